using System.Globalization;
using System.Text;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>Parses a Prometheus label-set string as Loki's push API does (<c>{name="value", ...}</c>, values
/// Go-quoted), strictly: anything Loki would refuse is an error. Written independently of the extension's renderer.</summary>
public static class PromLabelParser
{
    public static bool TryParse(string text, out List<KeyValuePair<string, string>> labels, out string error)
    {
        labels = [];
        error = "";
        int i = 0;
        SkipSpaces(text, ref i);
        if (i >= text.Length || text[i] != '{')
        {
            error = "expected '{'";
            return false;
        }
        i++;
        SkipSpaces(text, ref i);
        if (i < text.Length && text[i] == '}')
        {
            i++;
            return AtEnd(text, i, ref error);
        }
        while (true)
        {
            SkipSpaces(text, ref i);
            int nameStart = i;
            while (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_' || (i > nameStart && char.IsAsciiDigit(text[i]))))
            {
                i++;
            }
            if (i == nameStart)
            {
                error = $"expected a label name at {i}";
                return false;
            }
            string name = text[nameStart..i];
            SkipSpaces(text, ref i);
            if (i >= text.Length || text[i] != '=')
            {
                error = $"expected '=' after {name}";
                return false;
            }
            i++;
            SkipSpaces(text, ref i);
            if (!TryUnquote(text, ref i, out string value, out error))
            {
                return false;
            }
            labels.Add(new(name, value));
            SkipSpaces(text, ref i);
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }
            if (i < text.Length && text[i] == '}')
            {
                i++;
                return AtEnd(text, i, ref error);
            }
            error = $"expected ',' or '}}' at {i}";
            return false;
        }
    }

    private static bool AtEnd(string text, int i, ref string error)
    {
        SkipSpaces(text, ref i);
        if (i != text.Length)
        {
            error = $"unexpected text after '}}' at {i}";
            return false;
        }
        return true;
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }

    /// <summary>A Go double-quoted string literal: escapes as strconv.Unquote takes them; a raw newline is an error.</summary>
    private static bool TryUnquote(string text, ref int i, out string value, out string error)
    {
        value = "";
        error = "";
        if (i >= text.Length || text[i] != '"')
        {
            error = $"expected '\"' at {i}";
            return false;
        }
        i++;
        var builder = new StringBuilder();
        while (i < text.Length && text[i] != '"')
        {
            char c = text[i];
            if (c == '\n')
            {
                error = "raw newline in a label value";
                return false;
            }
            if (c != '\\')
            {
                builder.Append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.Length)
            {
                error = "unfinished escape";
                return false;
            }
            char e = text[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'v': builder.Append('\v'); break;
                case '\\': builder.Append('\\'); break;
                case '"': builder.Append('"'); break;
                case 'x' or 'u' or 'U':
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits > text.Length || !int.TryParse(text.AsSpan(i, digits), NumberStyles.HexNumber, null, out int code)
                        || code > 0x10FFFF || (e != 'x' && code is >= 0xD800 and <= 0xDFFF))
                    {
                        error = $"bad \\{e} escape";
                        return false;
                    }
                    builder.Append(char.ConvertFromUtf32(code));
                    i += digits;
                    break;
                default:
                    error = $"unknown escape \\{e}";
                    return false;
            }
        }
        if (i >= text.Length)
        {
            error = "unterminated label value";
            return false;
        }
        i++;
        value = builder.ToString();
        return true;
    }
}
