using Snappier;

namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary><c>replay</c> over a bucket that holds what an archive never would: objects whose snappy header lies, that
/// decompress far past any push, that hold millions of empty streams; keys with dot segments; a listing that never
/// ends. Each bad object is said and skipped, the good ones are replayed, memory stays bounded.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class HostileReplayTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task BadObjects_AreEachSaidAndSkipped_TheGoodOneIsReplayed_WithinAMemoryBound()
    {
        await using var loki = LokiReceiver.Start();
        byte[] random = new byte[17 * 1024 * 1024];
        new Random(7).NextBytes(random);
        byte[] emptyStreams = new byte[16 * 1024 * 1024]; // 8 M empty streams: 0x0A 0x00 each
        for (int i = 0; i < emptyStreams.Length; i += 2)
        {
            emptyStreams[i] = 0x0A;
        }
        (string, byte[])[] objects =
        [
            ("lambda/orders/1-claims-2GiB", [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00]),
            ("lambda/orders/2-claims-4GiB", [0x80, 0x80, 0x80, 0x80, 0x10, 0x00]),
            ("lambda/orders/3-larger-than-any-archive", random),
            ("lambda/orders/4-empty-streams", Snappy.CompressToArray(emptyStreams)),
            ("lambda/orders/5-../../../../elsewhere/x", [1]),
            ("lambda/orders/6-good", Archived("the one good object")),
        ];
        await using var s3 = new HostileS3(objects);

        var (code, output, peakRssKb) = await ExtensionBinary.RunMeasuredAsync(extension.Path, ["replay"], Environment(loki, s3), TimeSpan.FromSeconds(120));

        Assert.Equal(1, code);
        Assert.Contains("not replayed: lambda/orders/1-claims-2GiB: not a Loki push body (it declares 2147483647 bytes", output);
        Assert.Contains("not replayed: lambda/orders/2-claims-4GiB: not a Loki push body (not a snappy block (its declared length does not read", output);
        Assert.Contains("not replayed: lambda/orders/3-larger-than-any-archive: GET: an answer of more than 16777216 bytes", output);
        Assert.Contains("not replayed: lambda/orders/4-empty-streams: not a Loki push body (stream 1 has no labels", output);
        Assert.Contains("not replayed: lambda/orders/5-../../../../elsewhere/x: a key with '.' or '..' segments", output);
        Assert.Contains("replayed 1 of 6 objects", output);
        Assert.Single(loki.Entries, e => e.Line == "the one good object");
        Assert.DoesNotContain(s3.Requests, r => r.Contains("elsewhere", StringComparison.Ordinal));
        Assert.Single(loki.Pushes); // the good object's one stream
        if (ExtensionBinary.Launcher() is null)
        {
            // The 17 MB object is refused past 16 MiB; nothing is decompressed past 64 MiB (before: 1.14 GB, or a crash).
            Assert.InRange(peakRssKb / 1024.0, 0, 120);
        }
    }

    [Fact]
    public async Task AListingThatRepeatsItsContinuationToken_Ends_SayingWhy()
    {
        await using var loki = LokiReceiver.Start();
        await using var s3 = new HostileS3([("lambda/orders/a", Archived("never reached"))], repeatContinuationToken: true);

        var (code, output) = await ExtensionBinary.RunAsync(extension.Path, ["replay"], Environment(loki, s3), TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Contains("the listing repeats a continuation token after 1 keys", output);
        Assert.InRange(s3.Requests.Count, 1, 3);
    }

    private static Dictionary<string, string> Environment(LokiReceiver loki, HostileS3 s3) => new()
    {
        ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(),
        ["LOKI_ARCHIVE_S3"] = "s3://bucket/lambda",
        ["LOKI_ARCHIVE_S3_ENDPOINT"] = $"http://127.0.0.1:{s3.Port}",
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        ["AWS_REGION"] = "eu-west-1",
    };

    /// <summary>An object as the archive writes it: one push body.</summary>
    private static byte[] Archived(string line)
    {
        long nanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        using PooledBuffer body = PushRequestBody.Create([new LogEntry(nanos, line, StreamKind.Function)],
            StreamLabels.Create([new("service_name", "orders")]));
        return body.Memory.ToArray();
    }
}
