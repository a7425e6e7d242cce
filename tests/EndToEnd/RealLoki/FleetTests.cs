namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>Many sandboxes of one function writing the same streams of a real Loki: what Loki keeps is read back
/// through its query API.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class FleetTests(ExtensionBinaryFixture extension)
{
    [RealLokiFact]
    public async Task EightSandboxes_PrintingIdenticalLinesInTheSameMilliseconds_AllReachLoki()
    {
        var loki = RealLoki.FromEnvironment();
        string service = $"fleet-{Guid.NewGuid():N}"[..18];
        // Every sandbox prints the same lines, stamped by the platform in the same milliseconds; some lines repeat
        // within one millisecond of one sandbox too, and come after newer lines of the sandbox's own (out of order).
        DateTimeOffset at = DateTimeOffset.UtcNow;
        IReadOnlyList<TelemetryLine> Lines(int invocation) =>
        [
            .. Enumerable.Range(1, 40).Select(n => SandboxRun.Printed($"processing item {n}", at.AddMilliseconds(invocation))),
            .. Enumerable.Range(1, 10).Select(_ => SandboxRun.Printed("done", at.AddMilliseconds(invocation))),
            .. Enumerable.Range(1, 10).Select(n => SandboxRun.Printed(n % 2 == 0 ? "---" : "tick", at.AddMilliseconds(invocation))),
            .. Enumerable.Range(1, 5).Select(n => new TelemetryLine.Text($"own work {n}")),
        ];
        const int Sandboxes = 8, Invocations = 2;
        SandboxRun[] runs = await Task.WhenAll(Enumerable.Range(0, Sandboxes).Select(s => SandboxRun.PlayAsync(extension, loki.BaseUrl, service,
            [.. Enumerable.Range(0, Invocations).Select(i => new Invocation($"{s:D8}-0000-4000-8000-{i:D12}", Lines(i)))])));

        var stored = await loki.QueryAsync($$"""{service_name="{{service}}", source="function"}""");
        Assert.All(runs, run => Assert.Equal(0, run.Shutdown.ExitCode));
        Assert.Equal(Sandboxes * Invocations * 65, stored.Count);
        Assert.Equal(Sandboxes * Invocations * 10, stored.Count(e => e.Line == "done"));
        Assert.Equal(Sandboxes * Invocations, stored.Count(e => e.Line == "processing item 7"));
        Assert.Equal(runs.Sum(r => r.Summary("sent")), (await loki.QueryAsync($$"""{service_name="{{service}}"}""")).Count);
        // Each entry keeps the millisecond the platform stamped.
        Assert.All(stored.Where(e => !e.Line.Contains("own work")),
            e => Assert.InRange(e.UnixNanos / 1_000_000, at.ToUnixTimeMilliseconds(), at.ToUnixTimeMilliseconds() + Invocations - 1));
    }

    [RealLokiFact]
    public async Task APushLokiStoredButWhoseAnswerWasCut_IsSentAgain_AndLokiKeepsItOnce()
    {
        var loki = RealLoki.FromEnvironment();
        string service = $"retry-{Guid.NewGuid():N}"[..18];
        await using var relay = LokiReceiver.Start(new ReceiverOptions { Upstream = loki.BaseUrl });
        relay.EnqueueFaults(new Fault.StoreThenDrop(), new Fault.StoreThenDrop());
        var lines = Enumerable.Range(1, 30).Select(n => (TelemetryLine)new TelemetryLine.Text($"retried line {n}")).ToList();

        SandboxRun run = await SandboxRun.PlayAsync(extension, relay.BaseUrl, service, [new Invocation("0000000a-0000-4000-8000-000000000001", lines)]);

        var stored = await loki.QueryAsync($$"""{service_name="{{service}}", source="function"}""");
        Assert.Equal(30, stored.Count);
        Assert.Equal(30, stored.Select(e => e.Line).Distinct().Count());
        Assert.True(run.Summary("maybe_duplicated") > 0, "the cut answers were not counted as maybe duplicated");
        Assert.True(relay.Pushes.Count(p => p.Status == 204) >= 2, "the re-sent pushes did not reach Loki");
    }

    [RealLokiFact]
    public async Task LinesTwoHoursBehindTheStream_AreCountedTooOld_AndTheOthersDelivered()
    {
        var loki = RealLoki.FromEnvironment();
        string service = $"late-{Guid.NewGuid():N}"[..18];
        DateTimeOffset late = DateTimeOffset.UtcNow.AddHours(-2);
        var current = Enumerable.Range(1, 10).Select(n => (TelemetryLine)new TelemetryLine.Text($"current line {n}")).ToList();
        var behind = Enumerable.Range(1, 20).Select(n => SandboxRun.Printed($"late line {n}", late.AddMilliseconds(n))).ToList();

        SandboxRun run = await SandboxRun.PlayAsync(extension, loki.BaseUrl, service,
        [
            new Invocation("0000000b-0000-4000-8000-000000000001", current),
            new Invocation("0000000b-0000-4000-8000-000000000002", [.. behind, .. current]),
        ]);

        var function = await loki.QueryAsync($$"""{service_name="{{service}}", source="function"}""");
        Assert.Equal(20, function.Count);
        Assert.DoesNotContain(function, e => e.Line.StartsWith("late line", StringComparison.Ordinal));
        var losses = await loki.QueryAsync($$"""{service_name="{{service}}", source="extension"} | type="loss" | cause="too_old" """);
        Assert.True(losses.Count == 1, string.Join("\n", run.Output));
        StoredEntry loss = losses[0];
        Assert.Equal("20", loss.Metadata["lines"]);
        Assert.Equal(20, run.Summary("rejected"));
        Assert.Equal(run.Summary("sent"), (await loki.QueryAsync($$"""{service_name="{{service}}"}""")).Count);
    }
}
