using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Core.Access;

/// <summary>The few fields read from AWS's JSON answers, read in place with <see cref="Utf8JsonReader"/> (no document
/// is built: a <c>JsonDocument</c> would add 29 KB of code to the binary for a handful of fields). A body that is not
/// JSON, or holds a string that is not UTF-8, throws <see cref="JsonException"/>.</summary>
internal static class JsonFields
{
    /// <summary>The text at <paramref name="path"/> (property names through nested objects), when it is a string.</summary>
    public static string? Text(ReadOnlySpan<byte> json, params string[] path) => Field(json, path) is (JsonTokenType.String, var text) ? text : null;

    /// <summary>The field at <paramref name="path"/>: its kind, and a string as it is, a number or a boolean as written;
    /// <see cref="JsonTokenType.None"/> when there is no such field.</summary>
    public static (JsonTokenType Kind, string? Value) Field(ReadOnlySpan<byte> json, params string[] path)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? Find(ref reader, path, 0) : (JsonTokenType.None, null);
        }
        catch (InvalidOperationException e)
        {
            // Invalid UTF-8 inside a string is found only when it is read: the same broken JSON as any other to callers.
            throw new JsonException("a string that is not UTF-8", e);
        }
    }

    private static (JsonTokenType, string?) Find(ref Utf8JsonReader reader, string[] path, int depth)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(path[depth]);
            reader.Read();
            if (!match)
            {
                reader.Skip();
                continue;
            }
            if (depth < path.Length - 1)
            {
                return reader.TokenType == JsonTokenType.StartObject ? Find(ref reader, path, depth + 1) : (JsonTokenType.None, null);
            }
            return reader.TokenType switch
            {
                JsonTokenType.String => (JsonTokenType.String, reader.GetString()),
                JsonTokenType.Number => (JsonTokenType.Number, Encoding.UTF8.GetString(reader.ValueSpan)),
                JsonTokenType.True => (JsonTokenType.True, "true"),
                JsonTokenType.False => (JsonTokenType.False, "false"),
                var other => (other, null),
            };
        }
        return (JsonTokenType.None, null);
    }
}
