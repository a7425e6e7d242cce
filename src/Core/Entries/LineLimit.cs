using System.Text;

namespace LokiLambdaExtension.Core.Entries;

/// <summary>Keeps lines within Loki's <c>max_line_size</c>: a longer line is cut at a character boundary (never inside
/// a UTF-8 sequence) and ends with a marker saying how many bytes were cut, so Loki never answers 400 for a line the
/// extension sent and the reader knows the line is incomplete.</summary>
internal static class LineLimit
{
    public const int DefaultMaxBytes = 256 * 1024;
    public const int MinimumMaxBytes = 1024;

    public static Utf8Line Truncate(Utf8Line line, int maxBytes)
    {
        if (line.Length <= maxBytes)
        {
            return line;
        }
        ReadOnlySpan<byte> bytes = line.Span;
        // The marker's digits can only shrink as more is kept, so size it for the largest count it could carry.
        int budget = Math.Max(0, maxBytes - Encoding.UTF8.GetByteCount(Marker(bytes.Length)));
        int kept = budget;
        while (kept > 0 && (bytes[kept] & 0xC0) == 0x80)
        {
            kept--; // back off a continuation byte: the cut falls before the character it belongs to
        }
        string marker = Marker(bytes.Length - kept);
        byte[] truncated = new byte[kept + Encoding.UTF8.GetByteCount(marker)];
        bytes[..kept].CopyTo(truncated);
        Encoding.UTF8.GetBytes(marker, truncated.AsSpan(kept));
        return new Utf8Line(truncated, 0, truncated.Length);
    }

    private static string Marker(int cutBytes) => $" … [{cutBytes} bytes truncated]";
}
