
namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Reads the level and request id that Lambda runtimes print before a text-format line, so they can be
/// structured metadata without a regex in every query. Formats it knows:
/// <list type="bullet">
/// <item>Node.js, .NET and most custom runtimes: <c>2026-11-24T10:00:00.201Z \t requestId \t LEVEL \t message</c></item>
/// <item>Python: <c>[LEVEL] \t 2026-11-24T10:00:00.201Z \t requestId \t message</c></item>
/// <item>Java (aws-lambda-java-log4j2's pattern): <c>2026-11-24 10:00:00 requestId LEVEL Class - message</c></item>
/// <item>Ruby's Logger: <c>I, [2026-11-24T10:00:00.201000 #8]  INFO -- requestId: message</c></item>
/// </list>
/// Anything else (Go's log package, free text) has no level or request id here; Loki's own detection still applies.</summary>
internal static class TextLogPrefix
{
    /// <summary>Enough characters for the longest prefix (Ruby's, about 90) with room to spare.</summary>
    public const int MaxChars = 160;

    /// <summary>Whether a UTF-8 line starts with a runtime's prefix (a level or a request id): a log call of its own.</summary>
    public static bool Starts(ReadOnlySpan<byte> line)
    {
        // The prefixes are ASCII and short: read them from the line's first characters, decoded on the stack.
        Span<char> chars = stackalloc char[MaxChars];
        int length = System.Text.Encoding.UTF8.GetChars(line[..Math.Min(line.Length, MaxChars)], chars);
        return Read(chars[..length], out ReadOnlySpan<char> requestId) != LogLevel.None || !requestId.IsEmpty;
    }

    public static LogLevel Read(ReadOnlySpan<char> line, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        if (line.Length < 3)
        {
            return LogLevel.None;
        }
        if (line[0] == '[')
        {
            return Python(line, out requestId);
        }
        if (char.IsAsciiDigit(line[0]))
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
    public static bool LooksLikeRequestId(ReadOnlySpan<char> text)
    {
        if (text.Length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
        {
            return false;
        }
        foreach (char c in text)
        {
            // One shift and test a character ('-' to 'f' fit in 64 bits): char.IsAsciiHexDigit and a dash test, or a
            // vectorised search, cost two to three times as many instructions on a 36-character id.
            uint offset = (uint)c - '-';
            if (offset >= 64 || ((HexDigitsAndDash >> (int)offset) & 1) == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Bit n set when the character '-' + n is a hex digit or a dash.</summary>
    private const ulong HexDigitsAndDash = 1UL | (0x3FFUL << ('0' - '-')) | (0x3FUL << ('A' - '-')) | (0x3FUL << ('a' - '-'));

    private static LogLevel TabSeparated(ReadOnlySpan<char> line, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        if (!NextField(ref line, '\t', out var time) || !time.Contains('T') || !NextField(ref line, '\t', out var id))
        {
            return LogLevel.None;
        }
        NextField(ref line, '\t', out var levelWord);
        requestId = LooksLikeRequestId(id) ? id : default;
        return LogLevels.Parse(levelWord);
    }

    private static LogLevel Python(ReadOnlySpan<char> line, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        int close = line.IndexOf(']');
        if (close < 2)
        {
            return LogLevel.None;
        }
        LogLevel level = LogLevels.Parse(line[1..close]);
        ReadOnlySpan<char> rest = line[(close + 1)..].TrimStart('\t');
        if (level != LogLevel.None && NextField(ref rest, '\t', out _) && NextField(ref rest, '\t', out var id) && LooksLikeRequestId(id))
        {
            requestId = id;
        }
        return level;
    }

    private static LogLevel Java(ReadOnlySpan<char> line, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        if (!NextField(ref line, ' ', out var date) || date.Length != 10 || date[4] != '-' || !NextField(ref line, ' ', out _)
            || !NextField(ref line, ' ', out var id))
        {
            return LogLevel.None;
        }
        NextField(ref line, ' ', out var levelWord);
        LogLevel level = LogLevels.Parse(levelWord);
        requestId = level != LogLevel.None && LooksLikeRequestId(id) ? id : default;
        return level;
    }

    private static LogLevel Ruby(ReadOnlySpan<char> line, out ReadOnlySpan<char> requestId)
    {
        requestId = default;
        int close = line.IndexOf(']');
        if (line[3] != '[' || close < 0)
        {
            return LogLevel.None;
        }
        ReadOnlySpan<char> rest = line[(close + 1)..].TrimStart(' ');
        if (!NextField(ref rest, ' ', out var levelWord))
        {
            return LogLevel.None;
        }
        LogLevel level = LogLevels.Parse(levelWord);
        int dashes = rest.IndexOf("-- ");
        int colon = rest.IndexOf(':');
        if (dashes >= 0 && colon > dashes + 3 && LooksLikeRequestId(rest[(dashes + 3)..colon]))
        {
            requestId = rest[(dashes + 3)..colon];
        }
        return level;
    }

    /// <summary>Takes the text up to the next <paramref name="separator"/> (or the end) and moves past it.</summary>
    private static bool NextField(scoped ref ReadOnlySpan<char> rest, char separator, out ReadOnlySpan<char> field)
    {
        rest = rest.TrimStart(separator == ' ' ? ' ' : '\0');
        int end = rest.IndexOf(separator);
        field = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[(end + 1)..];
        return field.Length > 0;
    }
}
