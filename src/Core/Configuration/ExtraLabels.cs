using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>Reads <c>LOKI_LABELS</c> (<c>env=prod,team=payments</c>): stream labels a team adds to all of a
/// function's streams. Each bad entry is reported and skipped; the rest still apply.</summary>
internal static class ExtraLabels
{
    public const string Variable = ConfigValues.Names.Labels;

    /// <summary>Loki's default <c>max_label_names_per_series</c>.</summary>
    public const int MaxLabels = 15;

    public static (Seq<KeyValuePair<string, string>> Labels, Seq<string> Problems) Parse(string text, IReadOnlyCollection<string> taken)
    {
        var labels = Seq<KeyValuePair<string, string>>();
        var problems = Seq<string>();
        var names = new System.Collections.Generic.HashSet<string>(taken, StringComparer.Ordinal);
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = item.IndexOf('=');
            string name = equals < 0 ? item : item[..equals].Trim();
            string value = equals < 0 ? "" : item[(equals + 1)..].Trim();
            string? problem =
                equals < 0 ? "is not name=value"
                : !LabelSet.IsValidName(name) || name.StartsWith("__", StringComparison.Ordinal) ? $"has an invalid label name '{name}': use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __"
                : value.Length == 0 ? "has an empty value (Loki drops empty labels)"
                : name == "service_name" ? $"sets service_name: use {ConfigValues.Names.ServiceName}"
                : taken.Contains(name) ? $"sets '{name}', which the extension sets itself"
                : !names.Add(name) ? $"sets '{name}' twice"
                : Encoding.UTF8.GetByteCount(value) > 2048 ? "has a value over Loki's 2048-byte limit"
                : names.Count > MaxLabels ? $"would make more than {MaxLabels} labels, Loki's default limit"
                : null;
            if (problem is null)
            {
                labels = labels.Add(new(name, value));
            }
            else
            {
                problems = problems.Add($"{Variable} entry '{EnvironmentValues.Shorten(item)}' {problem}; skipped");
            }
        }
        return (labels, problems);
    }

}
