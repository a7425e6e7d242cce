using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LokiLambdaExtension.ConfigGenerator;

/// <summary>An incremental generator: for each partial class marked <c>[ConfigurationContract]</c>, its variable
/// declarations become the reader, the secret list, the help lines and the README table (reflection-free, so AOT-safe).
/// A malformed declaration fails the build with a diagnostic instead.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConfigContractGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(post => post.AddSource("ConfigurationContractAttributes.g.cs", SourceText.From(ContractAttributes.Source, System.Text.Encoding.UTF8)));

        IncrementalValuesProvider<Contract> contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
            ContractAttributes.Marker,
            predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
            transform: static (syntax, _) => Contract.From((INamedTypeSymbol)syntax.TargetSymbol));

        context.RegisterSourceOutput(contracts, static (output, contract) =>
        {
            List<Diagnostic> problems = ContractDiagnostics.Check(contract.Variables);
            foreach (Diagnostic problem in problems)
            {
                output.ReportDiagnostic(problem);
            }
            if (problems.Count == 0)
            {
                output.AddSource($"{contract.ClassName}.Contract.g.cs",
                    SourceText.From(ContractEmitter.Emit(contract.Namespace, contract.ClassName, contract.Variables), System.Text.Encoding.UTF8));
            }
        });
    }

    /// <summary>A contract class and its declarations, in the order they are written; equal to another when everything
    /// declared is, so the incremental pipeline skips the emitting step when an edit changed nothing of it.</summary>
    private sealed class Contract : System.IEquatable<Contract>
    {
        public string Namespace = "";
        public string ClassName = "";
        public ImmutableArray<Variable> Variables = ImmutableArray<Variable>.Empty;

        public static Contract From(INamedTypeSymbol type) => new()
        {
            Namespace = type.ContainingNamespace.ToDisplayString(),
            ClassName = type.Name,
            Variables = type.GetAttributes().Select(Variable.From).Where(v => v is not null).Select(v => v!).ToImmutableArray(),
        };

        private string Signature => Namespace + "." + ClassName + "\n" + string.Join("\n", Variables.Select(v => v.Signature));

        public bool Equals(Contract? other) => other is not null && Signature == other.Signature;

        public override bool Equals(object? other) => Equals(other as Contract);

        public override int GetHashCode() => Signature.GetHashCode();
    }
}
