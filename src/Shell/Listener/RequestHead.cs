using System.Buffers.Text;

namespace LokiLambdaExtension.Shell.Listener;

/// <summary>What the listener needs of an HTTP/1.1 request head: how the body is framed and whether the connection
/// stays open. Anything else is ignored; a head that cannot be read is refused.</summary>
/// <param name="ContentLength">The announced body length; null when the body is chunked or absent.</param>
internal readonly record struct RequestHead(long? ContentLength, bool Chunked, bool KeepAlive)
{
    /// <summary>Reads a request head (request line and headers, without the blank line that ends it).</summary>
    public static RequestHead? Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> requestLine = lineEnd < 0 ? head : head[..lineEnd];
        if (requestLine.IndexOf((byte)' ') <= 0 || !requestLine.EndsWith("HTTP/1.1"u8) && !requestLine.EndsWith("HTTP/1.0"u8))
        {
            return null;
        }
        bool keepAlive = requestLine.EndsWith("HTTP/1.1"u8);
        long? length = null;
        bool chunked = false;
        foreach (HeaderLine header in new HeaderLines(lineEnd < 0 ? [] : head[(lineEnd + 2)..]))
        {
            if (header.IsMalformed)
            {
                return null;
            }
            ReadOnlySpan<byte> value = header.Value;
            if (header.Is("content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out int consumed) || consumed != value.Length || parsed < 0)
                {
                    return null;
                }
                length = parsed;
            }
            else if (header.Is("transfer-encoding"u8))
            {
                chunked = Contains(value, "chunked"u8);
            }
            else if (header.Is("connection"u8))
            {
                keepAlive = Contains(value, "keep-alive"u8) || (keepAlive && !Contains(value, "close"u8));
            }
        }
        // With both, the chunked framing wins (RFC 9112 §6.3).
        return new RequestHead(chunked ? null : length, chunked, keepAlive);
    }

    private static bool Contains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerCase)
    {
        for (int i = 0; i + lowerCase.Length <= value.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value.Slice(i, lowerCase.Length), lowerCase))
            {
                return true;
            }
        }
        return false;
    }
}
