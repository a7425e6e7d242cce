using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary>The replay pushes an archived object stream by stream: the split gives back each stream of the object
/// exactly, one push request each, decoded by Google.Protobuf's generated types.</summary>
public sealed class PushRequestStreamsProperties
{
    private static readonly StreamLabels Labels = StreamLabels.Create([new("service_name", "orders-api"), new("env", "prod")]);

    [Property(MaxTest = 300)]
    public Property Split_GivesEachStreamAlone_ExactlyAsTheWholeBodyHeldIt() => Prop.ForAll(Generators.Entries, entries =>
    {
        using PooledBuffer body = PushRequestBody.Create(entries, Labels);
        PushRequest whole = Decoded.Parse(Snappy.DecompressToArray(body.Memory.Span));

        List<byte[]> split = PushRequestStreams.Split(body.Memory.Span);

        Assert.Equal(whole.Streams.Count, split.Count);
        for (int i = 0; i < split.Count; i++)
        {
            PushRequest alone = Decoded.Parse(Snappy.DecompressToArray(split[i]));
            Assert.Equal(whole.Streams[i], Assert.Single(alone.Streams));
        }
    });

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x0A, 0x08, 0x00 })]
    public void Split_WhatIsNotAPushBody_IsInvalidData(byte[] request)
    {
        byte[] body = request.Length == 3 && request[0] == 1 ? request : Snappy.CompressToArray(request);
        Assert.Throws<InvalidDataException>(() => PushRequestStreams.Split(body));
    }
}
