using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Snappier;

namespace LokiLambdaExtension.Properties.Hostile;

/// <summary>The push-body reader <c>replay</c> runs on every archived object: whatever the object holds (random bytes, a
/// body cut anywhere, a snappy header that lies about its size, streams without labels or entries, too many
/// streams), the answer is the object's streams or an <see cref="InvalidDataException"/>, never another exception, and
/// nothing is allocated past what the header may declare.</summary>
public sealed class ArchivedObjectProperties
{
    [Property(MaxTest = 300)]
    public Property AnyBytes_AreStreamsOrARefusal() => Prop.ForAll(Shrinking.Arrays(Objects), bytes =>
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            foreach (byte[] stream in PushRequestStreams.Split(bytes))
            {
                Assert.NotEmpty(stream);
            }
        }
        catch (InvalidDataException)
        {
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // What a decompression may take: the declared size, bounded by the cap and by what the bytes can expand to.
        Assert.InRange(allocated, 0, 2 * Math.Min(PushRequestStreams.MaxRequestBytes, 24L * bytes.Length + 64) + 16L * bytes.Length + 1024 * 1024);
    });

    [Property(MaxTest = 100)]
    public Property AWrittenBody_CutAnywhere_IsRefusedOrSplitsIntoItsOwnStreams() =>
        Prop.ForAll(Generators.Entries, Gen.Choose(0, 10_000).ToArbitrary(), (entries, cut) =>
        {
            using PooledBuffer body = PushRequestBody.Create(entries, StreamLabels.Create([new("service_name", "orders")]));
            byte[] whole = body.Memory.ToArray();

            int streams = entries.Select(e => e.Stream).Distinct().Count();
            Assert.Equal(streams, PushRequestStreams.Split(whole).Count);
            byte[] damaged = whole[..Math.Min(cut, Math.Max(0, whole.Length - 1))];
            Assert.Throws<InvalidDataException>(() => PushRequestStreams.Split(damaged));
        });

    [Theory]
    [InlineData(0x7FFF_FFFFL)] // 2 GiB
    [InlineData(0x1_0000_0000L)] // 4 GiB: a fifth varint byte that a 32-bit read would lose, reading 0
    [InlineData(PushRequestStreams.MaxRequestBytes + 1L)]
    public void ASnappyHeaderClaimingMoreThanTheCap_IsRefusedBeforeAnythingIsAllocated(long claimed)
    {
        byte[] body = [.. Varint(claimed), 0x00];
        long before = GC.GetAllocatedBytesForCurrentThread();

        var refusal = Assert.Throws<InvalidDataException>(() => PushRequestStreams.Split(body));

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
        Assert.Contains("bytes", refusal.Message);
    }

    [Fact]
    public void ManyEmptyStreams_AreRefusedAtTheFirst()
    {
        byte[] request = [.. Enumerable.Repeat<byte[]>([0x0A, 0x00], 100_000).SelectMany(b => b)];

        var refusal = Assert.Throws<InvalidDataException>(() => PushRequestStreams.Split(Snappy.CompressToArray(request)));

        Assert.Contains("stream 1 has no labels", refusal.Message);
    }

    [Fact]
    public void MoreStreamsThanTheExtensionWrites_AreRefused()
    {
        // {a="b"} with one empty entry, 65 times.
        byte[] stream = [0x0A, 0x0B, 0x0A, 0x07, .. "{a=\"b\"}"u8, 0x12, 0x00];
        byte[] request = [.. Enumerable.Repeat(stream, PushRequestStreams.MaxStreams + 1).SelectMany(b => b)];

        Assert.Equal(PushRequestStreams.MaxStreams, PushRequestStreams.Split(Snappy.CompressToArray(request[..(stream.Length * PushRequestStreams.MaxStreams)])).Count);
        Assert.Throws<InvalidDataException>(() => PushRequestStreams.Split(Snappy.CompressToArray(request)));
    }

    private static Gen<byte[]> Objects => Gen.OneOf(
        Gen.Choose(0, 2000).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n)),
        Gen.Choose(0, 2000).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n)).Select(b => Snappy.CompressToArray(b)),
        Gen.Choose(1, 40).Select(n => Varint(1L << n).Concat(new byte[64]).ToArray()));

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }
}
