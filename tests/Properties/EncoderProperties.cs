using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.Properties;

public sealed class EncoderProperties
{
    private static readonly StreamLabels Labels = StreamLabels.Create([new("service_name", "orders-api")]);

    /// <summary>Any 64-bit value, of every length from one byte to ten.</summary>
    private static Gen<ulong> Varints =>
        from bits in Gen.Choose(0, 64)
        from value in ArbMap.Default.GeneratorFor<ulong>()
        select bits == 64 ? value : value & ((1UL << bits) - 1);

    [Property(MaxTest = 1000)]
    public Property SevenBit_AnyValue_IsGoogleProtobufsVarint() => Prop.ForAll(Varints.ToArbitrary(), value =>
    {
        var expected = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(expected);
        output.WriteUInt64(value);
        output.Flush();
        byte[] written = new byte[12];

        int length = SevenBit.Write(value, written);

        Assert.Equal(expected.ToArray(), written[..length]);
        Assert.Equal(length, SevenBit.Length(value));
    });

    [Property(MaxTest = 300)]
    public Property Encode_AnyEntries_DecodesToTheSameStreamsEntriesAndMetadata() => Prop.ForAll(Generators.Entries, entries =>
    {
        byte[] buffer = new byte[PushRequestEncoder.GetEncodedLength(entries, Labels)];
        int written = PushRequestEncoder.Encode(entries, Labels, buffer);
        PushRequest decoded = Decoded.Parse(buffer.AsSpan(0, written));

        var expected = Decoded.Expected(entries).ToList();
        Assert.Equal(buffer.Length, written);
        Assert.Equal(expected.Count, decoded.Streams.Count);
        for (int s = 0; s < expected.Count; s++)
        {
            StreamAdapter stream = decoded.Streams[s];
            Assert.Equal(Labels.For(expected[s].Stream), stream.Labels);
            Assert.Equal(expected[s].Entries.Count, stream.Entries.Count);
            for (int e = 0; e < stream.Entries.Count; e++)
            {
                LogEntry input = expected[s].Entries[e];
                EntryAdapter output = stream.Entries[e];
                Assert.Equal(input.UnixNanos, Decoded.UnixNanos(output));
                Assert.InRange(output.Timestamp.Nanos, 0, 999_999_999);
                Assert.Equal(input.Line.ToString(), output.Line);
                Assert.Equal(
                    input.Metadata.Span.ToArray().Select(p => (Utf8.RoundTrip(p.Name), Utf8.RoundTrip(p.Value))),
                    output.StructuredMetadata.Select(p => (p.Name, p.Value)));
            }
        }
    });

    [Property(MaxTest = 100)]
    public Property PushRequestBody_AnyEntries_IsSnappyBlockOfTheEncodedRequest() => Prop.ForAll(Generators.Entries, entries =>
    {
        byte[] encoded = new byte[PushRequestEncoder.GetEncodedLength(entries, Labels)];
        PushRequestEncoder.Encode(entries, Labels, encoded);
        using PooledBuffer body = PushRequestBody.Create(entries, Labels);

        byte[] decompressed = Snappy.DecompressToArray(body.Memory.Span);
        Assert.Equal(encoded, decompressed);
    });

    [Fact]
    public void Encode_NoEntries_WritesAnEmptyRequest()
    {
        byte[] buffer = new byte[16];
        int written = PushRequestEncoder.Encode([], Labels, buffer);

        Assert.Equal(0, PushRequestEncoder.GetEncodedLength([], Labels));
        Assert.Equal(0, written);
        Assert.Empty(Decoded.Parse(buffer[..written]).Streams);
    }

    [Fact]
    public void Encode_EntryBeforeTheEpoch_KeepsNanosNonNegative()
    {
        LogEntry[] entries = [new(-1, "x", StreamKind.Function)];
        byte[] buffer = new byte[PushRequestEncoder.GetEncodedLength(entries, Labels)];
        PushRequestEncoder.Encode(entries, Labels, buffer);
        Timestamp(Decoded.Parse(buffer), out long seconds, out int nanos);
        Assert.Equal((-1L, 999_999_999), (seconds, nanos));
    }

    private static void Timestamp(PushRequest request, out long seconds, out int nanos)
    {
        var timestamp = request.Streams[0].Entries[0].Timestamp;
        (seconds, nanos) = (timestamp.Seconds, timestamp.Nanos);
    }
}
