using System.Collections.Immutable;
using LokiLambdaExtension.ConfigGenerator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LokiLambdaExtension.Snapshots.Configuration;

/// <summary>Runs the configuration generator over a source, as the compiler does in a build, and keeps what it wrote
/// and what it reported.</summary>
internal sealed record GeneratorRun(IReadOnlyDictionary<string, string> Sources, ImmutableArray<Diagnostic> Diagnostics)
{
    public static GeneratorRun Of(string source)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Sample",
            [CSharpSyntaxTree.ParseText(source, options)],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ConfigContractGenerator().AsSourceGenerator()], parseOptions: options);
        GeneratorDriverRunResult result = driver.RunGenerators(compilation).GetRunResult();
        return new GeneratorRun(
            result.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.GetText().ToString()),
            result.Diagnostics);
    }
}
