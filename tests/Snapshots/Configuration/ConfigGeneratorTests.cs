using Snapshooter;
using Snapshooter.Xunit;

namespace LokiLambdaExtension.Snapshots.Configuration;

/// <summary>The configuration contract's generator: what it writes for a small declaration set (pinned), the builds it
/// fails (with a message that says what to fix), and the README's table kept equal to the declarations.</summary>
public sealed class ConfigGeneratorTests
{
    private const string Header = """
        using LokiLambdaExtension.Core.Configuration;
        namespace Sample;

        """;

    [Fact]
    public void ASmallContract_GeneratesTheReaderSecretsHelpAndTable()
    {
        var run = GeneratorRun.Of(Header + """
            [ConfigurationContract]
            [IntVariable("SAMPLE_PORT", Property = "Port", Default = 1234, Min = 1, Max = 65535, Unit = "port number", Meaning = "the port to listen on")]
            [ClampedVariable("SAMPLE_BATCH", Property = "Batch", Default = 100, Min = 10, Max = 1000, Meaning = "items per batch")]
            [TextVariable("SAMPLE_TOKEN", Property = "Token", Secret = true, Meaning = "the token sent", Details = "Never printed.")]
            [BoolVariable("SAMPLE_STRICT", Property = "Strict", Meaning = "fail on problems")]
            [ChoiceVariable("SAMPLE_LEVEL", typeof(Level), Property = "Level", Choices = "low,high", Default = "low", Meaning = "how loud")]
            [PatternVariable("SAMPLE_DROP", Property = "Drop", Meaning = "lines to drop")]
            [ParsedVariable("SAMPLE_URL", typeof(System.Uri), Property = "Url", Parser = "ParseUrl", DefaultText = "required", Meaning = "where to send")]
            public sealed partial class SampleValues { }
            public enum Level { Low, High }
            """);

        Assert.Empty(run.Diagnostics);
        Snapshot.Match(run.Sources["SampleValues.Contract.g.cs"].Split('\n'));
    }

    [Fact]
    public void AVariableDeclaredTwice_FailsTheBuild_NamingIt()
    {
        var run = GeneratorRun.Of(Header + """
            [ConfigurationContract]
            [TextVariable("SAMPLE_TOKEN", Property = "Token", Meaning = "a token")]
            [TextVariable("SAMPLE_TOKEN", Property = "OtherToken", Meaning = "the same variable again")]
            public sealed partial class SampleValues { }
            """);

        var problem = Assert.Single(run.Diagnostics);
        Assert.Equal(("LLE001", Microsoft.CodeAnalysis.DiagnosticSeverity.Error), (problem.Id, problem.Severity));
        Assert.Contains("SAMPLE_TOKEN is declared more than once", problem.GetMessage());
        Assert.DoesNotContain("SampleValues.Contract.g.cs", run.Sources.Keys);
    }

    [Theory]
    [InlineData("""[IntVariable("SAMPLE_PORT", Property = "Port", Default = 0, Min = 1, Max = 65535, Meaning = "a port")]""", "LLE002", "The default 0 of SAMPLE_PORT is outside its range 1 to 65535")]
    [InlineData("""[ClampedVariable("SAMPLE_BATCH", Property = "Batch", Default = 5000, Min = 10, Max = 1000, Meaning = "a batch")]""", "LLE002", "The default 5000 of SAMPLE_BATCH is outside its range 10 to 1000")]
    [InlineData("""[ChoiceVariable("SAMPLE_LEVEL", typeof(int), Property = "Level", Choices = "low,high", Default = "loud", Meaning = "how loud")]""", "LLE003", "The default 'loud' of SAMPLE_LEVEL is not one of its choices (low, high)")]
    [InlineData("""[TextVariable("SAMPLE_TOKEN", Meaning = "a token")]""", "LLE004", "The declaration of SAMPLE_TOKEN gives no Property")]
    public void AMalformedDeclaration_FailsTheBuild_SayingWhatToFix(string declaration, string id, string message)
    {
        var run = GeneratorRun.Of(Header + "[ConfigurationContract]\n" + declaration + "\npublic sealed partial class SampleValues { }\n");

        var problem = Assert.Single(run.Diagnostics);
        Assert.Equal((id, Microsoft.CodeAnalysis.DiagnosticSeverity.Error), (problem.Id, problem.Severity));
        Assert.Contains(message, problem.GetMessage());
    }

    /// <summary>The README's table is the declarations' table; when they differ, this prints the table to paste, and with
    /// <c>UPDATE_README=1</c> writes it into README.md itself.</summary>
    [Fact]
    public void TheReadmesConfigurationTable_IsTheGeneratedOne()
    {
        const string Begin = "<!-- configuration table: generated from src/Core/Configuration/ConfigValues.cs; paste what ConfigGeneratorTests prints -->\n";
        const string End = "<!-- end of the configuration table -->";
        string path = Path.Combine(RepositoryRoot(), "README.md");
        string readme = File.ReadAllText(path);
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no configuration table markers; put this between them:\n{Begin}{ConfigValues.ReadmeTable}{End}");

        string table = readme[(begin + Begin.Length)..end];
        if (table != ConfigValues.ReadmeTable && Environment.GetEnvironmentVariable("UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme[..(begin + Begin.Length)] + ConfigValues.ReadmeTable + readme[end..]);
            table = ConfigValues.ReadmeTable;
        }

        Assert.True(table == ConfigValues.ReadmeTable, $"README.md's configuration table differs from the declarations; paste this:\n\n{ConfigValues.ReadmeTable}");
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Extension.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Extension.sln not found above " + AppContext.BaseDirectory);
    }
}
