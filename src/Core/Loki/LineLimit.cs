using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LokiLambdaExtension.Core.Loki;

/// <summary>Keeps lines within Loki's <c>max_line_size</c>: a longer line is cut at a character boundary (never inside
/// a UTF-8 sequence or a surrogate pair) and ends with a marker saying how many bytes were cut, so Loki never
/// answers 400 for a line the extension sent and the reader knows the line is incomplete.</summary>
public static class LineLimit
{
    public const int DefaultMaxBytes = 256 * 1024;
    public const int MinimumMaxBytes = 1024;

    public static string Truncate(string line, int maxBytes)
    {
        // Cheap test first: a line of n chars never needs more than 3n UTF-8 bytes.
        if ((long)line.Length * 3 <= maxBytes)
        {
            return line;
        }
        int bytes = Encoding.UTF8.GetByteCount(line);
        if (bytes <= maxBytes)
        {
            return line;
        }
        // The marker's digits can only shrink as more is kept, so size it for the largest count it could carry.
        int reserve = Encoding.UTF8.GetByteCount(Marker(bytes));
        int budget = Math.Max(0, maxBytes - reserve);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Math.Max(1, budget));
        try
        {
            // FromUtf16 stops at the last whole character that fits: no split sequence, no split surrogate pair.
            Utf8.FromUtf16(line, scratch.AsSpan(0, budget), out int keptChars, out int keptBytes, replaceInvalidSequences: true, isFinalBlock: true);
            return string.Concat(line.AsSpan(0, keptChars), Marker(bytes - keptBytes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static string Marker(int cutBytes) => $" … [{cutBytes} bytes truncated]";
}
