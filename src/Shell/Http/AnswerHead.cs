using System.Buffers.Text;
using System.Text;

namespace LokiLambdaExtension.Shell.Http;

/// <summary>An answer's status line and headers, as <see cref="HttpConnection"/> reads them: its status, how its body is
/// framed (a length, chunked, or to the connection's end), whether the connection closes after it, and the header lines
/// themselves for the few values a caller reads (<see cref="Value"/>).</summary>
internal sealed class AnswerHead
{
    private readonly byte[] _lines;

    private AnswerHead(int status, long? length, bool chunked, bool close, byte[] lines) =>
        (Status, Length, Chunked, Close, _lines) = (status, length, chunked, close, lines);

    public int Status { get; }

    /// <summary>The body's length; null when it is chunked or runs to the connection's end.</summary>
    public long? Length { get; }

    public bool Chunked { get; }

    /// <summary>The connection ends after this answer (it said so, it is HTTP/1.0, or its body runs to the end).</summary>
    public bool Close { get; }

    /// <summary>An interim answer (<c>100 Continue</c>, <c>103 Early Hints</c>): the real one follows on the same connection.</summary>
    public bool IsInterim => Status is >= 100 and < 200 and not 101;

    /// <summary>The first header named <paramref name="lowerCaseName"/> (in any case), or null.</summary>
    public string? Value(ReadOnlySpan<byte> lowerCaseName)
    {
        foreach (HeaderLine header in new HeaderLines(_lines))
        {
            if (!header.IsMalformed && header.Is(lowerCaseName))
            {
                return Encoding.UTF8.GetString(header.Value);
            }
        }
        return null;
    }

    /// <summary>Reads a head (without the blank line that ends it). A line without a name is passed over; a status line
    /// that is not HTTP/1.x or a Content-Length that is not a number is refused.</summary>
    public static AnswerHead Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out int consumed) || consumed != 3)
        {
            throw new InvalidOperationException($"an answer that is not HTTP/1.1: '{Encoding.ASCII.GetString(statusLine[..Math.Min(64, statusLine.Length)])}'");
        }
        ReadOnlySpan<byte> lines = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        bool close = statusLine.StartsWith("HTTP/1.0"u8);
        long? length = null;
        bool chunked = false;
        foreach (HeaderLine header in new HeaderLines(lines))
        {
            if (header.IsMalformed)
            {
                continue;
            }
            ReadOnlySpan<byte> value = header.Value;
            if (header.Is("content-length"u8))
            {
                length = Utf8Parser.TryParse(value, out long parsed, out int used) && used == value.Length && parsed >= 0
                    ? parsed : throw new InvalidOperationException("an answer with an invalid Content-Length");
            }
            else if (header.Is("transfer-encoding"u8))
            {
                chunked = Names(value, "chunked"u8);
            }
            else if (header.Is("connection"u8))
            {
                close = Names(value, "close"u8);
            }
        }
        if (status is 204 or 304 || status < 200)
        {
            length = 0;
        }
        return new AnswerHead(status, chunked ? null : length, chunked, close || (!chunked && length is null), lines.ToArray());
    }

    /// <summary>Whether a header's comma-separated list names <paramref name="token"/>: HTTP's codings and connection
    /// options are lists, and their names are case-insensitive (RFC 9110 §5.6.1, RFC 9112 §7).</summary>
    private static bool Names(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (Range item in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[item].Trim(" \t"u8), token))
            {
                return true;
            }
        }
        return false;
    }
}
