using Snapshooter;
using Snapshooter.Xunit;

namespace LokiLambdaExtension.Snapshots;

/// <summary>What Loki receives for each sample body: the decoded push requests, reviewed once and pinned.</summary>
public sealed class TelemetrySampleSnapshots
{
    [Theory]
    [InlineData("init-and-invoke")]
    [InlineData("json-logs")]
    [InlineData("report-and-edge")]
    [InlineData("runtime-formats")]
    [InlineData("stack-traces-line-by-line")] // each runtime's trace printed to stdout, a record a line: joined
    [InlineData("stack-traces-whole")] // the same traces logged whole, a record each: left as they are
    public void Sample_ShippedAtShutdown_DecodesToThePinnedPushRequest(string sample)
    {
        byte[] body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", $"{sample}.json"));

        var pushes = DecodedPush.FromTelemetryBody(body);

        Assert.Single(pushes);
        Snapshot.Match(pushes[0], SnapshotNameExtension.Create(sample));
    }
}
