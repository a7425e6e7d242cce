
namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Turns a JSON value that a reader has already validated into its compact text, keeping the original
/// escaping (so non-ASCII stays readable) and dropping only the whitespace between tokens.</summary>
internal static class JsonCompactor
{
    /// <summary>Writes the compact form into <paramref name="lines"/> as a line.</summary>
    public static Utf8Line Compact(ReadOnlySpan<byte> json, LineArena lines)
    {
        Span<byte> room = lines.Reserve(json.Length);
        return lines.Commit(Compact(json, room));
    }

    /// <summary>Writes the compact form into <paramref name="destination"/> (never longer than the input) and returns its length.</summary>
    internal static int Compact(ReadOnlySpan<byte> json, Span<byte> destination)
    {
        int length = 0;
        bool inString = false;
        bool escaped = false;
        foreach (byte b in json)
        {
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == '\\')
                {
                    escaped = true;
                }
                else if (b == '"')
                {
                    inString = false;
                }
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                continue;
            }
            else if (b == '"')
            {
                inString = true;
            }
            destination[length++] = b;
        }
        return length;
    }
}
