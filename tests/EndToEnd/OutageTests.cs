namespace LokiLambdaExtension.EndToEnd;

[Collection(ExtensionCollection.Name)]
public sealed class OutageTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task LokiDownForTwoInvocations_EverythingArrivesOnceAfterwards_AndNoInvocationIsHeldPastTheBudget()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl));
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 5; i++)
        {
            loki.SetPersistentFault(i is 2 or 3 ? new Fault.Status(503, "ingester unavailable") : null);
            results.Add(await sandbox.InvokeAsync(new Invocation($"0000000{i}-aaaa-4bbb-8ccc-dddddddddddd",
                [.. Enumerable.Range(1, 10).Select(n => new TelemetryLine.Text($"outage run invocation {i} line {n}"))])));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        for (int i = 1; i <= 5; i++)
        {
            for (int n = 1; n <= 10; n++)
            {
                string line = $"outage run invocation {i} line {n}";
                Assert.Single(loki.Entries, e => e.Line.EndsWith(line, StringComparison.Ordinal));
            }
        }
        Assert.Contains(loki.Pushes, p => p.Status == 503);
        Assert.Contains(sandbox.Output, l => l.Contains("shutdown: received=") && l.Contains("unsent=0") && l.Contains("maybe_duplicated=0"));
    }
}
