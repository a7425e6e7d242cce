using System.Buffers.Text;
using System.Text;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>An answer of the Extensions API: its status, the one header the extension reads, and its body.</summary>
internal sealed record RuntimeApiAnswer(int Status, string? Identifier, byte[] Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>How an answer of the Extensions API is read: its head.</summary>
internal static class RuntimeApiAnswers
{
    /// <summary>An answer's status line and headers: its status, the extension's identifier, how its body is framed
    /// (a length, chunked, or to the connection's end) and whether the connection closes after it.</summary>
    public static (int Status, string? Identifier, long? Length, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!statusLine.StartsWith("HTTP/1."u8) || statusLine.Length < 12
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out int consumed) || consumed != 3)
        {
            throw new InvalidOperationException($"an answer that is not HTTP/1.1: '{Encoding.ASCII.GetString(statusLine[..Math.Min(64, statusLine.Length)])}'");
        }
        bool close = statusLine.StartsWith("HTTP/1.0"u8);
        string? identifier = null;
        long? length = null;
        bool chunked = false;
        foreach (HeaderLine header in new HeaderLines(lineEnd < 0 ? [] : head[(lineEnd + 2)..]))
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
            else if (header.Is("lambda-extension-identifier"u8))
            {
                identifier = Encoding.UTF8.GetString(value);
            }
        }
        if (status is 204 or 304 || status < 200)
        {
            length = 0;
        }
        return (status, identifier, chunked ? null : length, chunked, close || (!chunked && length is null));
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
