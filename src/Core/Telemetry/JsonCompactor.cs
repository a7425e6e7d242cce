using System.Buffers;
using System.Text;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Turns a JSON value that a reader has already validated into its compact text, keeping the original
/// escaping (so non-ASCII stays readable) and dropping only the whitespace between tokens.</summary>
internal static class JsonCompactor
{
    public static string ToCompactString(ReadOnlySpan<byte> json)
    {
        if (Compact(json, []) == json.Length)
        {
            return Encoding.UTF8.GetString(json); // already compact, as the platform sends it
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            int length = Compact(json, buffer);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts the bytes of the compact form, and writes them when <paramref name="destination"/> is not empty.</summary>
    private static int Compact(ReadOnlySpan<byte> json, Span<byte> destination)
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
            if (!destination.IsEmpty)
            {
                destination[length] = b;
            }
            length++;
        }
        return length;
    }
}
