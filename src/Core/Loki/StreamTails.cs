namespace LokiLambdaExtension.Core.Loki;

/// <summary>Gives every entry its final timestamp, once, when its record arrives; retries, 413 splits and spool
/// read-backs send it unchanged, so Loki absorbs a re-send as the duplicate it is.
/// Loki silently keeps one of two entries of a stream with the same timestamp and line (protocols.md §1), and every
/// sandbox of a function writes the same few streams with records stamped to the millisecond. So:
/// <list type="bullet">
/// <item>below the platform's millisecond, each entry carries this sandbox's <see cref="SandboxNanos"/> (drawn at random
/// when the process starts): two sandboxes printing the same line in the same millisecond write different timestamps;</item>
/// <item>within a sandbox, each stream's timestamps strictly increase within a millisecond: an entry at or before its
/// stream's last one (same line or not) is placed a nanosecond after it, so no two entries of a sandbox collide, and
/// Loki, which orders by timestamp, shows them in the order they were logged.</item>
/// </list>
/// The cost: digits below the millisecond no longer mean time.</summary>
public readonly record struct StreamTails(long SandboxNanos, long Function, long Platform, long Extension)
{
    public const long NanosPerMillisecond = 1_000_000;

    /// <summary>Tails for a sandbox whose discriminator is <paramref name="sandboxNanos"/>, in [0, 1,000,000).</summary>
    public static StreamTails For(long sandboxNanos) => new(Math.Clamp(sandboxNanos, 0, NanosPerMillisecond - 1), long.MinValue, long.MinValue, long.MinValue);

    public (LogEntry Entry, StreamTails Tails) Place(LogEntry entry)
    {
        long tail = entry.Stream switch
        {
            StreamKind.Function => Function,
            StreamKind.Platform => Platform,
            _ => Extension,
        };
        long stamped = Math.DivRem(entry.UnixNanos, NanosPerMillisecond, out long below) * NanosPerMillisecond
                       + (below < 0 ? -NanosPerMillisecond : 0) + SandboxNanos;
        // Only an entry of the tail's millisecond moves: an older record (out of order by more) keeps its time.
        if (stamped <= tail && tail - stamped < NanosPerMillisecond)
        {
            stamped = tail + 1;
        }
        entry = entry with { UnixNanos = stamped };
        long placed = Math.Max(tail, stamped);
        return (entry, entry.Stream switch
        {
            StreamKind.Function => this with { Function = placed },
            StreamKind.Platform => this with { Platform = placed },
            _ => this with { Extension = placed },
        });
    }
}
