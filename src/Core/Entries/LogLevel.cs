namespace LokiLambdaExtension.Core.Entries;

/// <summary>A line's severity with Loki's names (what <c>detected_level</c> uses), so one query works across runtimes.</summary>
internal enum LogLevel : byte
{
    None,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

internal static class LogLevels
{
    /// <summary>How many levels there are (<see cref="LogLevel.None"/> to <see cref="LogLevel.Fatal"/>, numbered from 0).
    /// A constant rather than <c>Enum.GetValues</c>, which under Native AOT reads the enum's metadata: ~0.3 ms of every
    /// cold start (perf, start-up profile), spent before the first <c>/event/next</c>. A property test pins the two equal.</summary>
    public const int Count = (int)LogLevel.Fatal + 1;

    /// <summary>The name Loki uses; empty for <see cref="LogLevel.None"/>.</summary>
    public static string Name(this LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warn => "warn",
        LogLevel.Error => "error",
        LogLevel.Fatal => "fatal",
        _ => "",
    };

    /// <summary>Normalises the level words runtimes and logging libraries print (Node's <c>INFO</c>, .NET's
    /// <c>info</c>/<c>fail</c>/<c>crit</c>, Python's <c>WARNING</c>/<c>CRITICAL</c>, Ruby's single letters, ...).</summary>
    public static LogLevel Parse(ReadOnlySpan<char> word)
    {
        Span<char> lower = stackalloc char[MaxWordLength];
        if (word.Length is 0 or > MaxWordLength)
        {
            return LogLevel.None;
        }
        // ASCII, as every level word is, lowered without the casing tables; anything else as before.
        int length = System.Text.Ascii.ToLower(word, lower, out int written) == System.Buffers.OperationStatus.Done
            ? written
            : word.ToLowerInvariant(lower);
        return OfLowered(lower[..length]);
    }

    /// <summary>As <see cref="Parse(ReadOnlySpan{char})"/>, for a word in a line's UTF-8 bytes.</summary>
    public static LogLevel Parse(ReadOnlySpan<byte> word)
    {
        Span<char> lower = stackalloc char[MaxWordLength];
        if (word.Length is 0 or > MaxWordLength * 3)
        {
            return LogLevel.None;
        }
        if (System.Text.Ascii.ToLower(word, lower, out int written) == System.Buffers.OperationStatus.Done)
        {
            return OfLowered(lower[..written]);
        }
        // Not ASCII (or longer than any level word): decoded, it reads as it would have as characters.
        Span<char> chars = stackalloc char[MaxWordLength * 3];
        return System.Text.Encoding.UTF8.TryGetChars(word, chars, out int decoded) ? Parse(chars[..decoded]) : LogLevel.None;
    }

    /// <summary>The longest level word's length (<c>informational</c>).</summary>
    private const int MaxWordLength = 13;

    private static LogLevel OfLowered(ReadOnlySpan<char> lower) => lower switch
    {
        "trace" or "trce" or "verbose" or "finest" or "finer" => LogLevel.Trace,
        "debug" or "dbug" or "fine" => LogLevel.Debug,
        "info" or "information" or "notice" or "informational" => LogLevel.Info,
        "warn" or "warning" => LogLevel.Warn,
        "error" or "err" or "fail" or "failure" or "severe" => LogLevel.Error,
        "fatal" or "crit" or "critical" or "panic" or "emerg" or "emergency" or "alert" => LogLevel.Fatal,
        _ => LogLevel.None,
    };
}
