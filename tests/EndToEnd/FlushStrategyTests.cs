namespace LokiLambdaExtension.EndToEnd;

[Collection(ExtensionCollection.Name)]
public sealed class FlushStrategyTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task AdaptiveAtTwentyInvocationsASecond_BatchesAcrossInvocations_AndDeliversEveryLineOnce()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_FLUSH_STRATEGY", "adaptive")));
        string run = Guid.NewGuid().ToString("N")[..8];
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (int i = 0; i < 60; i++)
        {
            await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-000000000000",
                [.. Enumerable.Range(0, 5).Select(n => new TelemetryLine.Text($"{run} adaptive {i} line {n}"))]));
            TimeSpan nextSlot = TimeSpan.FromMilliseconds(50 * (i + 1)) - clock.Elapsed;
            if (nextSlot > TimeSpan.Zero)
            {
                await Task.Delay(nextSlot);
            }
        }
        // Each stream goes in a push request of its own: count the pushes of the function's lines.
        int pushesBeforeShutdown = loki.Entries.Where(e => e.LabelMap["source"] == "function").Select(e => e.PushIndex).Distinct().Count();
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        var lines = loki.Entries.Where(e => e.Line.Contains(run)).Select(e => e.Line).ToList();
        Assert.Equal(300, lines.Count);
        Assert.Equal(300, lines.Distinct().Count());
        Assert.Equal(0, shutdown.ExitCode);
        Assert.InRange(pushesBeforeShutdown, 1, 40); // end-of-invocation flushing would push 60 times
    }
}
