using Microsoft.CodeAnalysis;

namespace LokiLambdaExtension.ConfigGenerator;

/// <summary>One declared variable, read from its attribute: everything the emitters need, and where it was declared.</summary>
internal sealed class Variable
{
    public string Kind = "";
    public string Name = "";
    public string Property = "";
    public string Meaning = "";
    public string Details = "";
    public string DefaultText = "";
    public string DefaultValue = "";
    public bool Secret;
    public int IntDefault;
    public int Min;
    public int Max;
    public string Unit = "";
    public bool BoolDefault;
    /// <summary>The value's type, fully qualified (choices and parsed values).</summary>
    public string Type = "";
    public string[] Choices = [];
    public string ChoiceDefault = "";
    public string Parser = "";
    public Location? Location;

    public static Variable? From(AttributeData attribute)
    {
        string kind = attribute.AttributeClass?.Name ?? "";
        if (!kind.EndsWith("VariableAttribute", System.StringComparison.Ordinal) || attribute.ConstructorArguments.Length == 0)
        {
            return null;
        }
        var variable = new Variable
        {
            Kind = kind.Substring(0, kind.Length - "VariableAttribute".Length),
            Name = attribute.ConstructorArguments[0].Value as string ?? "",
            Location = Detached(attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation()),
        };
        if (attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1].Value is ITypeSymbol type)
        {
            variable.Type = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        }
        foreach (var named in attribute.NamedArguments)
        {
            object? value = named.Value.Value;
            switch (named.Key)
            {
                case "Property": variable.Property = value as string ?? ""; break;
                case "Meaning": variable.Meaning = value as string ?? ""; break;
                case "Details": variable.Details = value as string ?? ""; break;
                case "DefaultText": variable.DefaultText = value as string ?? ""; break;
                case "DefaultValue": variable.DefaultValue = value as string ?? ""; break;
                case "Secret": variable.Secret = value is true; break;
                case "Default" when value is int number: variable.IntDefault = number; break;
                case "Default" when value is bool flag: variable.BoolDefault = flag; break;
                case "Default" when value is string word: variable.ChoiceDefault = word; break;
                case "Min": variable.Min = value is int min ? min : 0; break;
                case "Max": variable.Max = value is int max ? max : 0; break;
                case "Unit": variable.Unit = value as string ?? ""; break;
                case "Choices": variable.Choices = Split(value as string ?? ""); break;
                case "Parser": variable.Parser = value as string ?? ""; break;
            }
        }
        return variable;
    }

    /// <summary>Everything declared, in one string: what decides whether a contract changed between two runs of the
    /// generator (the location does not: moving a line changes no output).</summary>
    public string Signature => string.Join("|", Kind, Name, Property, Meaning, Details, DefaultText, DefaultValue, Secret, IntDefault, Min, Max, Unit,
        BoolDefault, Type, string.Join(",", Choices), ChoiceDefault, Parser);

    /// <summary>A location that keeps no syntax tree alive between runs of the generator.</summary>
    private static Location? Detached(Location? location) => location?.SourceTree is { } tree
        ? Location.Create(tree.FilePath, location.SourceSpan, location.GetLineSpan().Span)
        : null;

    /// <summary>The default as users read it: the declared text, else the value itself.</summary>
    public string DocumentedDefault => DefaultText.Length > 0 ? DefaultText : DefaultValueText ?? "none";

    /// <summary>The default when it is a value (written as code in the README), else null.</summary>
    public string? DefaultValueText => DefaultText.Length > 0 ? null : DefaultValue.Length > 0 ? DefaultValue : Kind switch
    {
        "Int" or "Clamped" => IntDefault.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "Bool" => BoolDefault ? "true" : "false",
        "Choice" => ChoiceDefault,
        _ => null,
    };

    private static string[] Split(string text)
    {
        var words = new System.Collections.Generic.List<string>();
        foreach (string word in text.Split(','))
        {
            if (word.Trim().Length > 0)
            {
                words.Add(word.Trim());
            }
        }
        return words.ToArray();
    }
}
