using System.Buffers.Text;
using System.Text;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Unescapes the raw bytes of a JSON string token into UTF-8 without validating it: invalid UTF-8 is left for
/// <see cref="Encoding.UTF8"/> to replace with U+FFFD, so one bad byte costs a character, not the line (the reader's
/// own <c>CopyString</c> throws instead). Runs between backslashes are copied whole.</summary>
internal static class JsonStringUnescaper
{
    /// <summary>Writes the unescaped bytes of <paramref name="raw"/> (never longer than it) and returns their count.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        int written = 0;
        while (!raw.IsEmpty)
        {
            int backslash = raw.IndexOf((byte)'\\');
            ReadOnlySpan<byte> run = backslash < 0 ? raw : raw[..backslash];
            run.CopyTo(destination[written..]);
            written += run.Length;
            if (backslash < 0 || backslash + 1 >= raw.Length)
            {
                break;
            }
            raw = raw[(backslash + 1)..];
            written += Escape(ref raw, destination[written..]);
        }
        return written;
    }

    /// <summary>Passes over the JSON string whose opening quote is at <paramref name="quote"/> as
    /// <see cref="JsonStringScan.EndAllowingControls"/> does, unescaping it into <paramref name="destination"/> on the
    /// way: one pass over a line where finding its end and then unescaping it searched its escapes twice. The index
    /// just past its closing quote, with the bytes written and whether it held escapes; -1 when
    /// <see cref="JsonStringScan.EndAllowingControls"/> gives -1, or when the string does not fit in
    /// <paramref name="destination"/>.</summary>
    public static int ScanAndUnescape(ReadOnlySpan<byte> json, int quote, Span<byte> destination, out int written, out bool escaped)
    {
        // Written over spans that shrink from the front: a loop over indexes checked every slice's bounds twice, and
        // cost as much as the search it wraps.
        written = 0;
        escaped = false;
        ReadOnlySpan<byte> rest = json[(quote + 1)..];
        Span<byte> room = destination;
        while (true)
        {
            int stop = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (stop < 0 || stop > room.Length)
            {
                return -1;
            }
            rest[..stop].CopyTo(room);
            room = room[stop..];
            if (rest[stop] == (byte)'"')
            {
                written = destination.Length - room.Length;
                return json.Length - rest.Length + stop + 1;
            }
            escaped = true;
            rest = rest[(stop + 1)..];
            // Room for the longest an escape writes: a \u escape joined with the low surrogate after it, 4 bytes.
            if (JsonStringScan.EscapeLength(rest) == 0 || room.Length < 4)
            {
                return -1;
            }
            int length = Escape(ref rest, room);
            room = room[length..];
        }
    }

    /// <summary>The escape at the start of <paramref name="raw"/> (past its backslash) written out, and
    /// <paramref name="raw"/> moved past it; the count of bytes written.</summary>
    private static int Escape(ref ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        byte escape = raw[0];
        raw = raw[1..];
        switch (escape)
        {
            case (byte)'n': destination[0] = (byte)'\n'; return 1;
            case (byte)'t': destination[0] = (byte)'\t'; return 1;
            case (byte)'r': destination[0] = (byte)'\r'; return 1;
            case (byte)'b': destination[0] = (byte)'\b'; return 1;
            case (byte)'f': destination[0] = (byte)'\f'; return 1;
            case (byte)'u': return UnicodeEscape(ref raw, destination);
            default: destination[0] = escape; return 1; // \" \\ \/
        }
    }

    /// <summary>A <c>\uXXXX</c> escape, joined with a following low-surrogate escape when it is a high surrogate;
    /// a lone surrogate becomes U+FFFD. At most 6 bytes in for at most 4 bytes out, so the output never outgrows the input.</summary>
    private static int UnicodeEscape(ref ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        if (raw.Length < 4 || !Utf8Parser.TryParse(raw[..4], out ushort unit, out int consumed, 'x') || consumed != 4)
        {
            return 0; // cannot happen for a token the reader accepted
        }
        raw = raw[4..];
        int codePoint = unit;
        if (char.IsHighSurrogate((char)unit) && raw.Length >= 6 && raw[0] == '\\' && raw[1] == 'u'
            && Utf8Parser.TryParse(raw.Slice(2, 4), out ushort low, out consumed, 'x') && consumed == 4 && char.IsLowSurrogate((char)low))
        {
            codePoint = char.ConvertToUtf32((char)unit, (char)low);
            raw = raw[6..];
        }
        else if (char.IsSurrogate((char)unit))
        {
            codePoint = 0xFFFD;
        }
        return new Rune(codePoint).EncodeToUtf8(destination);
    }
}
