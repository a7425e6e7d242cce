using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>N sandboxes of one function at once against a real Loki, first with Loki's default limits, then with
/// tight ones: every line sent must be found in Loki. Each invocation prints lines every sandbox prints alike, in the
/// same milliseconds (a shared instant per invocation), and lines of its own. Pushes go through a relay in front of
/// the real Loki (<see cref="ReceiverOptions.Upstream"/>) that counts them and their 429s.</summary>
internal static class FleetBench
{
    private const int Invocations = 10, SharedLines = 100, OwnLines = 100;

    public static async Task<IEnumerable<Measure>> RunAsync(int sandboxes, Func<Uri, SandboxOptions> options)
    {
        var measures = new List<Measure>();
        foreach (var (limits, variable, flags) in new[] { ("default limits", RealLoki.Variable, ""), ("tight limits", RealLoki.TightVariable, RealLoki.TightFlags) })
        {
            await using LocalLoki loki = await LocalLoki.StartAsync(variable, flags);
            await using var relay = LokiReceiver.Start(new ReceiverOptions { Upstream = loki.Url });
            string service = $"bench-fleet-{Guid.NewGuid():N}"[..24];
            DateTimeOffset shared = DateTimeOffset.UtcNow;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, sandboxes).Select(s => PlayAsync(options(relay.BaseUrl), loki.Query, service, s, shared)));
            double seconds = clock.Elapsed.TotalSeconds;

            var function = await loki.Query.QueryAsync($$"""{service_name="{{service}}", source="function"}""");
            long sent = runs.Sum(r => r.Sent);
            int held = (await loki.Query.QueryAsync($$"""{service_name="{{service}}"}""")).Count;
            int expected = sandboxes * Invocations * (SharedLines + OwnLines);
            var heldMs = runs.SelectMany(r => r.HeldMs).ToList();
            string name = $"fleet, {sandboxes} sandboxes, Loki's {limits}";
            measures.Add(new($"{name}: function lines printed but not found in Loki", expected - function.Count, "", Target.Exactly(0), "F0"));
            measures.Add(new($"{name}: entries sent (by the extensions' count) but not in Loki", sent - held, "", Target.Exactly(0), "F0"));
            measures.Add(new($"{name}: push requests", relay.Pushes.Count, "", Format: "F0"));
            measures.Add(new($"{name}: of them answered 429", relay.Pushes.Count(p => p.Status == 429), "", Format: "F0"));
            measures.Add(new($"{name}: seconds until all were in Loki", seconds, "s"));
            measures.Add(new($"{name}: held after runtimeDone, billed, median", Bench.Median(heldMs), "ms"));
        }
        return measures;
    }

    private static async Task<(long Sent, long Retries, List<double> HeldMs)> PlayAsync(SandboxOptions options, RealLoki loki, string service, int sandbox, DateTimeOffset shared)
    {
        await using var emulated = await LambdaSandbox.StartAsync(options with
        {
            Environment = new Dictionary<string, string>(options.Environment) { ["LOKI_SERVICE_NAME"] = service },
            LogStreamName = $"2026/11/25/[$LATEST]{sandbox:D32}",
        });
        var held = new List<double>();
        for (int i = 0; i < Invocations; i++)
        {
            DateTimeOffset at = shared.AddMilliseconds(i);
            TelemetryLine[] lines =
            [
                .. Enumerable.Range(0, SharedLines).Select(n => new TelemetryLine.Raw("function", System.Text.Json.JsonSerializer.Serialize($"processing item {n % 20}\n"), at)),
                .. Enumerable.Range(0, OwnLines).Select(n => new TelemetryLine.Text($"sandbox {sandbox} invocation {i} line {n} ".PadRight(150, 'x'))),
            ];
            var result = await emulated.InvokeAsync(new Invocation($"{sandbox:D8}-0000-4000-8000-{i:D12}", lines) { RuntimeDurationMs = 20 });
            held.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
        }
        // Under tight limits the function keeps being invoked, quietly, while Loki holds back (at most two minutes).
        string own = $$"""{service_name="{{service}}", source="function"} |= "sandbox {{sandbox}} invocation" """;
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (waiting.Elapsed < TimeSpan.FromMinutes(2) && (await loki.QueryAsync(own)).Count < Invocations * OwnLines)
        {
            await emulated.InvokeAsync(new Invocation($"{sandbox:D8}-0000-4000-9000-{waiting.ElapsedMilliseconds:D12}", []));
            await Task.Delay(250);
        }
        await emulated.ShutdownAsync();
        return (ExtensionSummary.Number(emulated.Output, "sent"), ExtensionSummary.Number(emulated.Output, "retries"), held);
    }
}
