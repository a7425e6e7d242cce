namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>Several sandboxes of a busy function against a Loki with tight rate limits (<see cref="RealLoki.TightFlags"/>):
/// Loki answers 429 for the tenant and for the function's stream, and every line must still arrive.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class RateLimitTests(ExtensionBinaryFixture extension)
{
    [RealLokiFact(RealLoki.TightVariable)]
    public async Task FourSandboxesUnderATightPerStreamLimit_EveryLineArrives_AndEachSummaryMatchesWhatLokiHolds()
    {
        var loki = RealLoki.FromEnvironment(RealLoki.TightVariable);
        string service = $"tight-{Guid.NewGuid():N}"[..18];
        const int Sandboxes = 4, Invocations = 3, Lines = 1500;
        string padding = new('x', 160);

        var runs = await Task.WhenAll(Enumerable.Range(0, Sandboxes).Select(async s =>
        {
            string logStream = $"2026/11/25/[$LATEST]{s:D32}";
            var options = extension.Options(loki.BaseUrl, ("LOKI_SERVICE_NAME", service)) with { LogStreamName = logStream };
            await using var sandbox = await LambdaSandbox.StartAsync(options);
            for (int i = 0; i < Invocations; i++)
            {
                await sandbox.InvokeAsync(new Invocation($"{s:D8}-0000-4000-8000-{i:D12}",
                    [.. Enumerable.Range(0, Lines).Select(n => new TelemetryLine.Text($"sandbox {s} invocation {i} line {n} {padding}"))]));
            }
            // The function keeps being invoked, quietly, while Loki holds back: the extension catches up across them
            // (at 256 KB/s for the stream, 4.2 MB take 16 s at best; backoff and four sandboxes contending, 30-90 s here).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string query = $$"""{service_name="{{service}}", source="function"} |= "sandbox {{s}} invocation" """;
            while (clock.Elapsed < TimeSpan.FromSeconds(150) && (await loki.QueryAsync(query)).Count < Invocations * Lines)
            {
                await sandbox.InvokeAsync(new Invocation($"{s:D8}-0000-4000-9000-{clock.ElapsedMilliseconds:D12}", []));
                await Task.Delay(500);
            }
            ShutdownResult shutdown = await sandbox.ShutdownAsync();
            Assert.Equal(0, shutdown.ExitCode);
            return (Run: new SandboxRun(shutdown, [], sandbox.Output), LogStream: logStream);
        }));

        var function = await loki.QueryAsync($$"""{service_name="{{service}}", source="function"}""");
        Assert.True(Sandboxes * Invocations * Lines == function.Count,
            $"Loki holds {function.Count} of {Sandboxes * Invocations * Lines} lines; the sandboxes' shutdowns said:\n" +
            string.Join("\n", runs.SelectMany(r => r.Run.Output.Where(l => l.Contains("shutdown:", StringComparison.Ordinal) || l.Contains("WARN", StringComparison.Ordinal)))));
        Assert.Equal(Sandboxes * Invocations * Lines, function.Select(e => e.Line).Distinct().Count());
        Assert.True(runs.Sum(r => r.Run.Summary("retries")) > 0, "Loki never refused a push: the limits were not reached");
        foreach (var (run, logStream) in runs)
        {
            Assert.Equal(0, run.Summary("rejected") + run.Summary("dropped") + run.Summary("unsent"));
            var held = await loki.QueryAsync($$"""{service_name="{{service}}"} | log_stream="{{logStream}}" """);
            if (run.Summary("sent") != held.Count)
            {
                // Say what Loki holds of this sandbox beside its function lines, and its summary: a mismatch names itself.
                var all = await loki.QueryAsync($$"""{service_name="{{service}}"}""");
                Assert.Fail($"sandbox {logStream}: sent={run.Summary("sent")}, Loki holds {held.Count} with its log_stream, {all.Count} in all\n" +
                            string.Join("\n", run.Output.Where(l => l.Contains("shutdown:", StringComparison.Ordinal))) + "\n" +
                            string.Join("\n", held.Where(e => !e.Line.Contains("invocation", StringComparison.Ordinal)).Select(e => $"{e.UnixNanos} {e.Line[..Math.Min(90, e.Line.Length)]}")) +
                            "\nentries without a log_stream: " + string.Join(" | ", all.Where(e => !e.Metadata.ContainsKey("log_stream")).Select(e => e.Line[..Math.Min(90, e.Line.Length)])));
            }
        }
    }
}
