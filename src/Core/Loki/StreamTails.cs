namespace LokiLambdaExtension.Core.Loki;

/// <summary>The last entry buffered for each stream. Loki silently drops an entry whose timestamp and line equal its
/// stream's previous entry, and hides identical ones at query time: two identical lines logged in the same instant
/// would become one. The later one is moved a nanosecond past the earlier, so both survive, in order.</summary>
public readonly record struct StreamTails(Tail Function, Tail Platform, Tail Extension)
{
    public (LogEntry Entry, StreamTails Tails) Place(LogEntry entry)
    {
        Tail tail = entry.Stream switch
        {
            StreamKind.Function => Function,
            StreamKind.Platform => Platform,
            _ => Extension,
        };
        if (tail.Line is { } line && entry.UnixNanos <= tail.UnixNanos && line.Equals(entry.Line))
        {
            entry = entry with { UnixNanos = tail.UnixNanos + 1 };
        }
        var placed = new Tail(entry.UnixNanos, entry.Line);
        return (entry, entry.Stream switch
        {
            StreamKind.Function => this with { Function = placed },
            StreamKind.Platform => this with { Platform = placed },
            _ => this with { Extension = placed },
        });
    }
}

public readonly record struct Tail(long UnixNanos, Utf8Line? Line);
