using System.Collections.Immutable;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The entries held in memory, not yet delivered nor in flight, oldest first: the one place entries are taken
/// out of (for a push or a spill) and put back into (a failed push or spill, a spool file read back).</summary>
/// <param name="Bytes">Their size, as <see cref="LogEntry.ApproximateBytes"/>.</param>
/// <param name="ReadBack">How many entries at the head were read back from the spool: the next file read back goes
/// after them (it is newer) and before the rest (which is newer still).</param>
internal sealed record EntryBuffer(EntryQueue Entries, long Bytes, int ReadBack)
{
    public static EntryBuffer Empty { get; } = new(EntryQueue.Empty, 0, 0);

    public int Count => Entries.Count;

    public bool IsEmpty => Entries.IsEmpty;

    /// <summary>The batch the oldest entries make, up to <paramref name="maxBytes"/> and at least one; still in the buffer
    /// until <see cref="Without"/> takes it out.</summary>
    public PushBatch Oldest(long id, long maxBytes)
    {
        var (entries, bytes) = Entries.Oldest(maxBytes);
        return new PushBatch(id, entries, bytes, Math.Min(ReadBack, entries.Length));
    }

    /// <summary>The buffer once <paramref name="batch"/>, made by <see cref="Oldest"/>, is taken out of it.</summary>
    public EntryBuffer Without(PushBatch batch) =>
        new(Entries.Skip(batch.Entries.Length), Bytes - batch.Bytes, Math.Max(0, ReadBack - batch.Entries.Length));

    /// <summary>A batch that was taken out goes back in front, so its entries keep their order in Loki.</summary>
    public EntryBuffer PutBack(PushBatch batch) =>
        new(Requeue.Prepend(batch.Entries, Entries), Bytes + batch.Bytes, batch.ReadBackWhenPutBack(ReadBack));

    /// <summary>New entries (a telemetry body's, as one array) after everything held.</summary>
    public EntryBuffer Append(ImmutableArray<LogEntry> entries, long bytes) => this with { Entries = Entries.Append(entries), Bytes = Bytes + bytes };

    public EntryBuffer Add(LogEntry entry) => this with { Entries = Entries.Add(entry), Bytes = Bytes + entry.ApproximateBytes };

    /// <summary>A spool file read back: older than what memory holds, newer than what was read back before it.</summary>
    public EntryBuffer ReadBackFromSpool(ImmutableArray<LogEntry> entries)
    {
        int at = Math.Min(ReadBack, Count);
        long bytes = 0;
        foreach (LogEntry entry in entries)
        {
            bytes += entry.ApproximateBytes;
        }
        return new(Requeue.Insert(Entries, at, entries), Bytes + bytes, at + entries.Length);
    }

    /// <summary>The buffer holding only <paramref name="kept"/>, what shedding left of it.</summary>
    public EntryBuffer Keeping(LogEntry[] kept, long bytes) => new(EntryQueue.Of(kept), bytes, Math.Min(ReadBack, kept.Length));
}
