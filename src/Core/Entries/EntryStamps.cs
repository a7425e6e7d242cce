namespace LokiLambdaExtension.Core.Entries;

/// <summary>Gives every entry its final timestamp, once, when its record arrives; retries, 413 splits and spool
/// read-backs send it unchanged, so Loki absorbs a re-send as the duplicate it is.
/// Loki silently keeps one of two entries of a stream with the same timestamp and line (protocols.md §1); every
/// sandbox of a function writes the same few streams, and the platform stamps records to the millisecond. So the
/// digits below the millisecond carry, instead of time, <c>(sandbox + sequence) mod 1,000,000</c>:
/// <list type="bullet">
/// <item><see cref="SandboxNanos"/> is drawn at random when the process starts: two sandboxes printing the same line
/// in the same millisecond write different timestamps, but for a chance of one in a million per pair of such lines;</item>
/// <item><see cref="Sequence"/> counts the entries this process stamped: within a sandbox no two entries of the last
/// million share a timestamp, whatever their order (records of concurrent requests, late ones), and entries of one
/// millisecond keep the order they came in (but across the one wrap of the count in a million).</item>
/// </list>
/// Each entry keeps the millisecond its record was stamped with; what it costs is that the digits below it no longer
/// mean time.</summary>
internal readonly record struct EntryStamps(long SandboxNanos, long Sequence)
{
    public const long NanosPerMillisecond = 1_000_000;

    /// <summary>Stamps for a sandbox whose discriminator is <paramref name="sandboxNanos"/>, in [0, 1,000,000).</summary>
    public static EntryStamps For(long sandboxNanos) => new(Math.Clamp(sandboxNanos, 0, NanosPerMillisecond - 1), 0);

    public (LogEntry Entry, EntryStamps Stamps) Stamp(LogEntry entry)
    {
        long millisecond = Math.DivRem(entry.UnixNanos, NanosPerMillisecond, out long below) - (below < 0 ? 1 : 0);
        long stamped = millisecond * NanosPerMillisecond + (SandboxNanos + Sequence) % NanosPerMillisecond;
        return (entry with { UnixNanos = stamped }, this with { Sequence = Sequence + 1 });
    }
}
