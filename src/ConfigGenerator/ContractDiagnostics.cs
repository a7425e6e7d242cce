using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LokiLambdaExtension.ConfigGenerator;

/// <summary>Declarations the generator refuses, each failing the build with a message that says what to fix.</summary>
internal static class ContractDiagnostics
{
    private const string Category = "LokiLambdaExtension.Configuration";

    public static readonly DiagnosticDescriptor DuplicateName = new("LLE001", "Variable declared twice",
        "The variable {0} is declared more than once: declare each variable once", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DefaultOutOfRange = new("LLE002", "Default outside the valid range",
        "The default {1} of {0} is outside its range {2} to {3}: give a default the reader accepts", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DefaultNotAChoice = new("LLE003", "Default is not one of the choices",
        "The default '{1}' of {0} is not one of its choices ({2})", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Incomplete = new("LLE004", "Incomplete declaration",
        "The declaration of {0} gives no {1}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateProperty = new("LLE005", "Property filled twice",
        "The property {1} of {0} is filled by another variable too: give each variable a property of its own", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>Every problem of the declarations; none means the contract can be emitted.</summary>
    public static List<Diagnostic> Check(IReadOnlyList<Variable> variables)
    {
        var found = new List<Diagnostic>();
        var names = new HashSet<string>();
        var properties = new HashSet<string>();
        foreach (Variable v in variables)
        {
            if (!names.Add(v.Name))
            {
                found.Add(Diagnostic.Create(DuplicateName, v.Location, v.Name));
            }
            if (v.Property.Length == 0 || v.Meaning.Length == 0)
            {
                found.Add(Diagnostic.Create(Incomplete, v.Location, v.Name, v.Property.Length == 0 ? "Property" : "Meaning"));
            }
            else if (!properties.Add(v.Property))
            {
                found.Add(Diagnostic.Create(DuplicateProperty, v.Location, v.Name, v.Property));
            }
            if (v.Kind is "Int" or "Clamped" && (v.IntDefault < v.Min || v.IntDefault > v.Max))
            {
                found.Add(Diagnostic.Create(DefaultOutOfRange, v.Location, v.Name, v.IntDefault, v.Min, v.Max));
            }
            if (v.Kind == "Choice" && System.Array.FindIndex(v.Choices, c => string.Equals(c, v.ChoiceDefault, System.StringComparison.OrdinalIgnoreCase)) < 0)
            {
                found.Add(Diagnostic.Create(DefaultNotAChoice, v.Location, v.Name, v.ChoiceDefault, string.Join(", ", v.Choices)));
            }
            if (v.Kind == "Parsed" && v.Parser.Length == 0)
            {
                found.Add(Diagnostic.Create(Incomplete, v.Location, v.Name, "Parser"));
            }
        }
        return found;
    }
}
