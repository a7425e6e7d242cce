using System.Globalization;
using System.Text;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>JSON written as text, for the bodies sent at every start (see <see cref="LambdaApiJson"/>). Strings are
/// escaped as JSON requires and every character outside printable ASCII as <c>\uXXXX</c>, so the bytes are ASCII.</summary>
internal static class JsonText
{
    public static StringBuilder AppendString(this StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                < ' ' or > '~' => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => json.Append(c),
            };
        }
        return json.Append('"');
    }

    public static StringBuilder AppendStrings(this StringBuilder json, IEnumerable<string> values)
    {
        json.Append('[');
        bool first = true;
        foreach (string value in values)
        {
            (first ? json : json.Append(',')).AppendString(value);
            first = false;
        }
        return json.Append(']');
    }

    public static byte[] Bytes(StringBuilder json) => Encoding.ASCII.GetBytes(json.ToString());
}
