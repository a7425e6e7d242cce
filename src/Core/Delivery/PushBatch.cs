using System.Collections.Immutable;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Entries taken from the buffer for one push, contiguous so the encoder reads them as a span.
/// <see cref="ReadBack"/> of them (the first ones) had been read back from the spool.</summary>
public sealed record PushBatch
{
    internal PushBatch(long Id, ImmutableArray<LogEntry> Entries, long Bytes, int ReadBack = 0)
    {
        this.Id = Id;
        this.Entries = Entries;
        this.Bytes = Bytes;
        this.ReadBack = ReadBack;
    }

    public long Id { get; internal init; }

    internal ImmutableArray<LogEntry> Entries { get; init; }

    internal long Bytes { get; init; }

    internal int ReadBack { get; init; }

    /// <summary>The Loki tenant of the batch's entries (they have one, see <see cref="EntryQueue.Oldest"/>); null for the
    /// configured one.</summary>
    internal string? Tenant => Entries.IsDefaultOrEmpty ? null : Entries[0].Tenant;

    /// <summary>The buffer's read-back mark once these entries are put back in front of it.</summary>
    internal int ReadBackWhenPutBack(int readBackLeft) => ReadBack == Entries.Length ? ReadBack + readBackLeft : ReadBack;

    /// <summary>A batch of one entry of the extension's own stream, of type <c>check</c>: what <c>--check</c> pushes and
    /// writes to the archive to prove both take it.</summary>
    public static PushBatch Probe(long unixNanos, string line) =>
        new(0, [new LogEntry(unixNanos, line, StreamKind.Extension, new MetadataPairs([new("type", "check")]))], line.Length);

    /// <summary>How many entries the batch holds.</summary>
    public int Count => Entries.Length;

    /// <summary>The push request of the batch's entries of <paramref name="stream"/>; the caller disposes it.</summary>
    public PooledBuffer Body(StreamLabels labels, StreamKind stream) => PushRequestBody.Create(Entries.AsSpan(), labels, stream);

    /// <summary>One push request of every entry, all streams (what an archive object holds, so it replays as one push);
    /// the caller disposes it.</summary>
    public PooledBuffer Body(StreamLabels labels) => PushRequestBody.Create(Entries.AsSpan(), labels);

    /// <summary>The entries as a spool file's contents (<see cref="SpoolFormat"/>).</summary>
    public byte[] SpoolContents() => SpoolFormat.Write(Entries);

    /// <summary>The streams this batch has entries of: one push request each.</summary>
    public IEnumerable<StreamKind> Streams()
    {
        bool function = false, platform = false, extension = false;
        foreach (LogEntry entry in Entries)
        {
            switch (entry.Stream)
            {
                case StreamKind.Function: function = true; break;
                case StreamKind.Platform: platform = true; break;
                default: extension = true; break;
            }
        }
        if (function) yield return StreamKind.Function;
        if (platform) yield return StreamKind.Platform;
        if (extension) yield return StreamKind.Extension;
    }

    /// <summary>How many entries, and bytes, of <paramref name="stream"/> the batch holds.</summary>
    internal (int Count, long Bytes) Of(StreamKind stream)
    {
        int count = 0;
        long bytes = 0;
        foreach (LogEntry entry in Entries)
        {
            if (entry.Stream == stream)
            {
                count++;
                bytes += entry.ApproximateBytes;
            }
        }
        return (count, bytes);
    }

    /// <summary>The entries of the streams <paramref name="keep"/> selects, in their order, as a batch of their own
    /// whose read-back mark counts the kept ones among those read back.</summary>
    internal PushBatch Only(Func<StreamKind, bool> keep)
    {
        if (Streams().All(keep))
        {
            return this; // most pushes settle every stream alike: no copy of all their entries
        }
        var kept = ImmutableArray.CreateBuilder<LogEntry>(Entries.Length);
        long bytes = 0;
        int readBack = 0;
        for (int i = 0; i < Entries.Length; i++)
        {
            if (keep(Entries[i].Stream))
            {
                kept.Add(Entries[i]);
                bytes += Entries[i].ApproximateBytes;
                readBack += i < ReadBack ? 1 : 0;
            }
        }
        return new PushBatch(Id, kept.ToImmutable(), bytes, readBack);
    }
}
