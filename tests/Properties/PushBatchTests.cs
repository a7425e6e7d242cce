using System.Collections.Immutable;

namespace LokiLambdaExtension.Properties;

/// <summary>The part of a batch that a push's outcomes keep (<see cref="PushBatch.Only"/>): the entries of the kept
/// streams in their order, their bytes, and how many of them had been read back; the batch itself when every stream
/// is kept (nothing copied).</summary>
public sealed class PushBatchTests
{
    private static readonly PushBatch Mixed = new(7,
        [
            new LogEntry(1, "read back, function", StreamKind.Function), new LogEntry(2, "read back, platform", StreamKind.Platform),
            new LogEntry(3, "function", StreamKind.Function), new LogEntry(4, "extension", StreamKind.Extension),
            new LogEntry(5, "platform", StreamKind.Platform),
        ], Bytes: 75, ReadBack: 2);

    [Theory]
    [InlineData(new[] { StreamKind.Function }, new long[] { 1, 3 }, 1)]
    [InlineData(new[] { StreamKind.Platform, StreamKind.Extension }, new long[] { 2, 4, 5 }, 1)]
    [InlineData(new StreamKind[0], new long[0], 0)]
    public void APart_KeepsItsStreamsEntriesInOrder_WithTheirBytesAndReadBackCount(StreamKind[] kept, long[] times, int readBack)
    {
        PushBatch part = Mixed.Only(kept.Contains);

        Assert.Equal(times, part.Entries.Select(e => e.UnixNanos));
        Assert.Equal(part.Entries.Sum(e => e.ApproximateBytes), part.Bytes);
        Assert.Equal((7L, readBack), (part.Id, part.ReadBack));
    }

    [Fact]
    public void EveryStreamKept_IsTheBatchItself()
    {
        PushBatch all = Mixed.Only(_ => true);
        PushBatch named = Mixed.Only(new[] { StreamKind.Function, StreamKind.Platform, StreamKind.Extension }.Contains);

        Assert.Same(Mixed, all);
        Assert.Same(Mixed, named);
        Assert.Equal(ImmutableArray<LogEntry>.Empty, new PushBatch(1, [], 0).Only(_ => false).Entries);
    }
}
