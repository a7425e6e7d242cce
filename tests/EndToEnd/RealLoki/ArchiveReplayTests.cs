using LokiLambdaExtension.EndToEnd.Archive;
using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>The archive's replay, judged by a real Loki: an outage run's archive, replayed with the binary's
/// <c>replay</c> subcommand, puts every line into Loki exactly once, and replaying it again adds nothing.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class ArchiveReplayTests(ExtensionBinaryFixture extension)
{
    [RealLokiFact]
    public async Task ReplayingAnOutagesArchive_DeliversEveryLineExactlyOnce_EvenWhenReplayedTwice()
    {
        var realLoki = RealLoki.FromEnvironment();
        await using var s3 = await S3Front.StartAsync();
        string service = $"replay-{Guid.NewGuid():N}"[..19];
        string run = Guid.NewGuid().ToString("N")[..8];
        var environment = s3.Environment("lambda");
        await using (var down = LokiReceiver.Start())
        {
            down.SetPersistentFault(new Fault.Status(503, "unavailable"));
            SandboxRun outage = await SandboxRun.PlayAsync(extension, down.BaseUrl, service,
                [.. Enumerable.Range(1, 4).Select(i => ArchiveTests.Lines(i, 30, run))], [.. environment.Select(v => (v.Key, v.Value))]);
            Assert.Equal(0, outage.Shutdown.ExitCode);
            Assert.Equal(0, outage.Summary("sent"));
            Assert.True(outage.Summary("archived") >= 120, string.Join("\n", outage.Output));
        }
        int objects = s3.Objects().Count;
        Assert.True(objects > 0);

        var replayEnvironment = new Dictionary<string, string>(environment) { ["LOKI_PUSH_URL"] = realLoki.BaseUrl.ToString() };
        replayEnvironment.Remove("LOKI_ARCHIVE_S3"); // the location comes as the argument
        for (int replay = 1; replay <= 2; replay++)
        {
            var (exit, output) = await ExtensionBinary.RunAsync(extension.Path, ["replay", $"s3://{s3.Bucket}/lambda/{service}"], replayEnvironment,
                TimeSpan.FromSeconds(120));
            Assert.True(exit == 0, output);
            Assert.Contains($"replayed {objects} of {objects} objects", output);

            var stored = await realLoki.QueryAsync($$"""{service_name="{{service}}"}""");
            foreach (int i in Enumerable.Range(1, 4))
            {
                foreach (int n in Enumerable.Range(1, 30))
                {
                    string line = $"{run} inv {i} line {n}";
                    Assert.Single(stored, e => e.Line.EndsWith(line, StringComparison.Ordinal));
                }
            }
            Assert.Single(stored, e => e.Metadata.GetValueOrDefault("cause") == "archived");
        }
    }
}
