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
            byte escape = raw[backslash + 1];
            raw = raw[(backslash + 2)..];
            switch (escape)
            {
                case (byte)'n': destination[written++] = (byte)'\n'; break;
                case (byte)'t': destination[written++] = (byte)'\t'; break;
                case (byte)'r': destination[written++] = (byte)'\r'; break;
                case (byte)'b': destination[written++] = (byte)'\b'; break;
                case (byte)'f': destination[written++] = (byte)'\f'; break;
                case (byte)'u':
                    written += UnicodeEscape(ref raw, destination[written..]);
                    break;
                default: destination[written++] = escape; break; // \" \\ \/
            }
        }
        return written;
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
