using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LokiLambdaExtension.Core.Entries;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Reads the level and request id that Lambda runtimes print before a text-format line, so they can be
/// structured metadata without a regex in every query. Formats it knows:
/// <list type="bullet">
/// <item>Node.js, .NET and most custom runtimes: <c>2026-11-24T10:00:00.201Z \t requestId \t LEVEL \t message</c></item>
/// <item>Python: <c>[LEVEL] \t 2026-11-24T10:00:00.201Z \t requestId \t message</c></item>
/// <item>Java (aws-lambda-java-log4j2's pattern): <c>2026-11-24 10:00:00 requestId LEVEL Class - message</c></item>
/// <item>Ruby's Logger: <c>I, [2026-11-24T10:00:00.201000 #8]  INFO -- requestId: message</c></item>
/// </list>
/// Anything else (Go's log package, free text) has no level or request id here; Loki's own detection still applies.
/// Read from the line's UTF-8 bytes as they are: every prefix is ASCII, so nothing is decoded (decoding the first
/// characters of every line cost a sixth of a text line's instructions, issue 31).</summary>
internal static class TextLogPrefix
{
    /// <summary>Enough bytes for the longest prefix (Ruby's, about 90) with room to spare.</summary>
    public const int MaxBytes = 160;

    /// <summary>Whether a UTF-8 line starts with a runtime's prefix (a level or a request id): a log call of its own.</summary>
    public static bool Starts(ReadOnlySpan<byte> line) => Read(line, out ReadOnlySpan<byte> requestId) != LogLevel.None || !requestId.IsEmpty;

    /// <summary>The level and request id of <paramref name="line"/>'s prefix, read from its first
    /// <see cref="MaxBytes"/> bytes.</summary>
    public static LogLevel Read(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> requestId)
    {
        requestId = default;
        line = line[..Math.Min(line.Length, MaxBytes)];
        if (line.Length < 3)
        {
            return LogLevel.None;
        }
        if (line[0] == (byte)'[')
        {
            return Python(line, out requestId);
        }
        if (char.IsAsciiDigit((char)line[0]))
        {
            return TabSeparated(line, out requestId) is var level && level != LogLevel.None ? level : Java(line, out requestId);
        }
        if (line[1] == ',' && line[2] == ' ')
        {
            return Ruby(line, out requestId);
        }
        return LogLevel.None;
    }

    /// <summary>Lambda request ids are UUIDs: 8-4-4-4-12 hexadecimal digits.</summary>
    public static bool LooksLikeRequestId(ReadOnlySpan<byte> text) =>
        text.Length == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-'
        // Sixteen bytes at a time, the last two blocks overlapping: a loop over 36 characters was 4% of a text line.
        && (HexDigitsOrDashes(Vector128.Create(text)) & HexDigitsOrDashes(Vector128.Create(text[16..]))
            & HexDigitsOrDashes(Vector128.Create(text[20..]))) == Vector128<byte>.AllBitsSet;

    /// <summary>All bits of a byte set where it is a hexadecimal digit or a dash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call passed the vectors through memory
    private static Vector128<byte> HexDigitsOrDashes(Vector128<byte> bytes)
    {
        // Unsigned: a byte below '0' (or 'a') wraps round past the bound.
        Vector128<byte> digits = Vector128.LessThan(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        Vector128<byte> letters = Vector128.LessThan((bytes | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)6));
        return digits | letters | Vector128.Equals(bytes, Vector128.Create((byte)'-'));
    }

    private static LogLevel TabSeparated(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> requestId)
    {
        requestId = default;
        if (!NextField(ref line, (byte)'\t', out var time) || !time.Contains((byte)'T') || !NextField(ref line, (byte)'\t', out var id))
        {
            return LogLevel.None;
        }
        NextField(ref line, (byte)'\t', out var levelWord);
        requestId = LooksLikeRequestId(id) ? id : default;
        return LogLevels.Parse(levelWord);
    }

    private static LogLevel Python(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> requestId)
    {
        requestId = default;
        int close = line.IndexOf((byte)']');
        if (close < 2)
        {
            return LogLevel.None;
        }
        LogLevel level = LogLevels.Parse(line[1..close]);
        ReadOnlySpan<byte> rest = line[(close + 1)..].TrimStart((byte)'\t');
        if (level != LogLevel.None && NextField(ref rest, (byte)'\t', out _) && NextField(ref rest, (byte)'\t', out var id) && LooksLikeRequestId(id))
        {
            requestId = id;
        }
        return level;
    }

    private static LogLevel Java(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> requestId)
    {
        requestId = default;
        if (!NextField(ref line, (byte)' ', out var date) || date.Length != 10 || date[4] != '-' || !NextField(ref line, (byte)' ', out _)
            || !NextField(ref line, (byte)' ', out var id))
        {
            return LogLevel.None;
        }
        NextField(ref line, (byte)' ', out var levelWord);
        LogLevel level = LogLevels.Parse(levelWord);
        requestId = level != LogLevel.None && LooksLikeRequestId(id) ? id : default;
        return level;
    }

    private static LogLevel Ruby(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> requestId)
    {
        requestId = default;
        int close = line.IndexOf((byte)']');
        if (line[3] != '[' || close < 0)
        {
            return LogLevel.None;
        }
        ReadOnlySpan<byte> rest = line[(close + 1)..].TrimStart((byte)' ');
        if (!NextField(ref rest, (byte)' ', out var levelWord))
        {
            return LogLevel.None;
        }
        LogLevel level = LogLevels.Parse(levelWord);
        int dashes = rest.IndexOf("-- "u8);
        int colon = rest.IndexOf((byte)':');
        if (dashes >= 0 && colon > dashes + 3 && LooksLikeRequestId(rest[(dashes + 3)..colon]))
        {
            requestId = rest[(dashes + 3)..colon];
        }
        return level;
    }

    /// <summary>Takes the text up to the next <paramref name="separator"/> (or the end) and moves past it; spaces before
    /// it are passed over when the separator is a space.</summary>
    private static bool NextField(scoped ref ReadOnlySpan<byte> rest, byte separator, out ReadOnlySpan<byte> field)
    {
        rest = separator == ' ' ? rest.TrimStart((byte)' ') : rest;
        int end = rest.IndexOf(separator);
        field = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[(end + 1)..];
        return field.Length > 0;
    }
}
