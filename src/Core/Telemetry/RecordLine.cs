namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>A text record's line (a JSON string) written into the <see cref="LineArena"/>: unescaped, its trailing
/// newline left off, UTF-8 repaired where it was not.</summary>
internal static class RecordLine
{
    /// <summary>Passes over the text line whose string opens at <paramref name="quote"/> as
    /// <see cref="JsonStringScan.EndAllowingControls"/> does, unescaping it into the arena's <see cref="LineArena.Room"/>
    /// on the way when it fits there (<paramref name="unescapedLength"/>, otherwise -1): the index just past its closing
    /// quote, or -1. Nothing is committed: <see cref="Commit"/> does, once the caller has found its element whole.</summary>
    internal static int Scan(ReadOnlySpan<byte> body, int quote, LineArena lines, out int unescapedLength, out bool escaped)
    {
        int end = JsonStringUnescaper.ScanAndUnescape(body, quote, lines.Room(), out unescapedLength, out escaped);
        if (end >= 0)
        {
            return end;
        }
        unescapedLength = -1;
        return JsonStringScan.EndAllowingControls(body, quote, out escaped);
    }

    /// <summary>The line <see cref="Scan"/> passed over (<paramref name="raw"/>, between its quotes), committed: as
    /// unescaped into the arena's room, or read now when it did not fit there.</summary>
    internal static Utf8Line Commit(ReadOnlySpan<byte> raw, bool escaped, int unescapedLength, LineArena lines) =>
        unescapedLength < 0 ? Read(raw, escaped, lines) : lines.Commit(WithoutTrailingNewline(lines.Room()[..unescapedLength]).Length);

    /// <summary>The line of a string token's <paramref name="raw"/> bytes (between its quotes), unescaped when it holds
    /// escapes, written into the arena and committed.</summary>
    internal static Utf8Line Read(ReadOnlySpan<byte> raw, bool escaped, LineArena lines)
    {
        if (!escaped)
        {
            return lines.Add(raw);
        }
        Span<byte> room = lines.Reserve(raw.Length);
        int length = JsonStringUnescaper.Unescape(raw, room);
        return lines.Commit(WithoutTrailingNewline(room[..length]).Length);
    }

    private static ReadOnlySpan<byte> WithoutTrailingNewline(ReadOnlySpan<byte> text) =>
        text.EndsWith("\r\n"u8) ? text[..^2] : text.EndsWith("\n"u8) ? text[..^1] : text;
}
