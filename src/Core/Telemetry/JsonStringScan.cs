namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Finds where a JSON string ends, run by run: the bytes between one quote or backslash and the next are
/// passed over in one vectorised search. <see cref="System.Text.Json.Utf8JsonReader"/> does the same until a
/// string's first backslash, then goes byte by byte to its end; a function's text line has its first escape (the tab
/// after the timestamp) a few bytes in, so the reader walked almost every line byte by byte (docs/figures.md). It
/// accepts what the reader accepts and no more: no control character, only <c>\" \\ \/ \b \f \n \r \t</c> and <c>\u</c>
/// with four hex digits; anything else is left to the reader, which refuses it in its own words.</summary>
internal static class JsonStringScan
{
    /// <summary>The index just past the closing quote of the string whose opening quote is at
    /// <paramref name="quote"/>, and whether it holds escapes; -1 when the reader would refuse it for anything but a
    /// control character (or it does not end). The caller looks for control characters itself (<see cref="HasControl"/>,
    /// once over the string or over many strings, where a search for each short string cost more than its bytes).</summary>
    public static int EndAllowingControls(ReadOnlySpan<byte> json, int quote, out bool escaped)
    {
        escaped = false;
        int at = quote + 1;
        while (true)
        {
            int stop = NextQuoteOrBackslash(json, at);
            if (stop < 0)
            {
                return -1;
            }
            at = stop;
            if (json[at] == (byte)'"')
            {
                return at + 1;
            }
            escaped = true;
            int length = EscapeLength(json[(at + 1)..]);
            if (length == 0)
            {
                return -1;
            }
            at += 1 + length;
        }
    }

    /// <summary>Whether <paramref name="bytes"/> hold a control character (below U+0020), which no JSON string may hold
    /// unescaped.</summary>
    public static bool HasControl(ReadOnlySpan<byte> bytes) => bytes.ContainsAnyInRange((byte)0, (byte)0x1F);

    private static int NextQuoteOrBackslash(ReadOnlySpan<byte> json, int at)
    {
        int stop = at < json.Length ? json[at..].IndexOfAny((byte)'"', (byte)'\\') : -1;
        return stop < 0 ? -1 : at + stop;
    }

    /// <summary>How many bytes after a backslash its escape takes; 0 when it is not one.</summary>
    internal static int EscapeLength(ReadOnlySpan<byte> after) => after.IsEmpty ? 0 : after[0] switch
    {
        (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' => 1,
        (byte)'u' when after.Length >= 5 && IsHex(after[1]) && IsHex(after[2]) && IsHex(after[3]) && IsHex(after[4]) => 5,
        _ => 0,
    };

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}
