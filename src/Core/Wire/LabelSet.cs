using System.Text;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Renders a Prometheus label-set string, <c>{name="value", ...}</c>, as Loki's push API parses it:
/// names sorted (as Grafana's own clients send them), values Go-quoted, empty values left out (Loki drops them).</summary>
internal static class LabelSet
{
    public static string Render(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var builder = new StringBuilder("{");
        bool first = true;
        foreach (var (name, value) in labels.Where(l => l.Value.Length > 0).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                builder.Append(", ");
            }
            first = false;
            builder.Append(name).Append("=\"");
            AppendQuoted(builder, value);
            builder.Append('"');
        }
        return builder.Append('}').ToString();
    }

    /// <summary>True when <paramref name="name"/> is a valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    private static void AppendQuoted(StringBuilder builder, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case < ' ' or '\x7f': builder.Append(@"\u").Append(((int)c).ToString("x4")); break;
                default:
                    if (char.IsSurrogate(c))
                    {
                        // A lone surrogate has no UTF-8 form; Loki rejects invalid UTF-8, so it becomes U+FFFD.
                        if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                        {
                            builder.Append(c).Append(value[++i]);
                        }
                        else
                        {
                            builder.Append('\uFFFD');
                        }
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
    }
}
