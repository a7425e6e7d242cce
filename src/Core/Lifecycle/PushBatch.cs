using System.Collections.Immutable;
using LokiLambdaExtension.Core.Loki;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Entries taken from the buffer for one push, contiguous so the encoder reads them as a span.
/// <paramref name="ReadBack"/> of them (the first ones) had been read back from the spool.</summary>
public sealed record PushBatch(long Id, ImmutableArray<LogEntry> Entries, long Bytes, int ReadBack = 0)
{
    /// <summary>The buffer's read-back mark once these entries are put back in front of it.</summary>
    public int ReadBackWhenPutBack(int readBackLeft) => ReadBack == Entries.Length ? ReadBack + readBackLeft : ReadBack;
}
