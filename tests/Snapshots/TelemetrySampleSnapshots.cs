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
    [InlineData("managed-instances", "lambda-managed-instances")] // concurrent requests: each line keeps its own request
    [InlineData("snapstart-restore", "snap-start")]
    [InlineData("model-lines", "provisioned-concurrency")] // CloudWatch's lines of every model, and a tenant
    public void Sample_ShippedAtShutdown_DecodesToThePinnedPushRequest(string sample, string model = "on-demand")
    {
        byte[] body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", $"{sample}.json"));

        var pushes = DecodedPush.FromTelemetryBody(body, model);

        Assert.Single(pushes);
        Snapshot.Match(pushes[0], SnapshotNameExtension.Create(sample));
    }
}
