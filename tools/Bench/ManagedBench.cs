using System.Diagnostics;
using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>One Lambda Managed Instances environment (never frozen, no INVOKE): 16 concurrent invocations writing
/// 20,000 lines a second for 30 s into the receiver. What it costs (CPU per line, peak memory), how late lines reach
/// Loki (from the record's time to the push's 2xx), and that none is lost or doubled.</summary>
internal static class ManagedBench
{
    private const int Concurrency = 16;
    private const int LinesPerSecond = 20_000;
    private static readonly int Seconds = int.Parse(Environment.GetEnvironmentVariable("BENCH_MANAGED_SECONDS") ?? "30");
    private const int TickMs = 50;

    public static async Task<IEnumerable<Measure>> RunAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(options(loki, []) with { Model = EmulatedModel.Managed });
        int linesPerTick = LinesPerSecond * TickMs / 1000;
        int ticks = Seconds * 1000 / TickMs;
        var clock = Stopwatch.StartNew();
        int sent = 0;
        for (int tick = 0; tick < ticks; tick++)
        {
            var invocations = Enumerable.Range(0, Concurrency).Select(r =>
            {
                int lines = linesPerTick / Concurrency + (r < linesPerTick % Concurrency ? 1 : 0);
                var records = Enumerable.Range(0, lines).Select(n => (TelemetryLine)new TelemetryLine.Json($"t{tick} r{r} line {n} ".PadRight(100, 'x'))).ToList();
                return new Invocation($"{tick:D8}-{r:D4}-4000-8000-000000000000", records) { RuntimeDurationMs = 0 };
            }).ToList();
            await sandbox.InvokeConcurrentlyAsync(invocations);
            sent += linesPerTick;
            TimeSpan nextTick = TimeSpan.FromMilliseconds(TickMs * (tick + 1)) - clock.Elapsed;
            if (nextTick > TimeSpan.Zero)
            {
                await Task.Delay(nextTick);
            }
        }
        double achievedPerSecond = sent / clock.Elapsed.TotalSeconds;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (FunctionEntries(loki).Count < sent && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        var shutdown = await sandbox.ShutdownAsync();
        var function = FunctionEntries(loki);
        int distinct = function.Select(e => e.Line).Distinct().Count();
        // The record's time is the entry's millisecond (below it, the sandbox discriminator); the push's arrival is its 2xx.
        var lags = function.Select(e => (e.ArrivedAt.ToUnixTimeMilliseconds() - e.UnixNanos / 1_000_000) * 1.0).ToList();
        string name = $"managed, {Concurrency} concurrent invocations, {LinesPerSecond:N0} lines/s for {Seconds} s";
        return
        [
            new($"{name}: lines/s the emulator achieved", achievedPerSecond, "", Format: "F0"),
            // Issue 31: at most 3 µs a line on Managed Instances (2 µs on demand, in the cpu-share section).
            new($"{name}: CPU per line (user+sys from /proc)", shutdown.CpuTime.TotalMilliseconds * 1000 / sent, "µs", Target.AtMost(3, "µs"), "F2"),
            new($"{name}: peak RSS (VmHWM)", shutdown.PeakRssKb / 1024.0, "MB", Target.AtMost(32, "MB")),
            new($"{name}: lag from a record's time to Loki's 2xx, p50", Bench.Percentile(lags, 0.5), "ms", Target.AtMost(1100, "ms"), "F0"),
            new($"{name}: lag from a record's time to Loki's 2xx, p99", Bench.Percentile(lags, 0.99), "ms", Target.AtMost(2000, "ms"), "F0"),
            new($"{name}: push requests per second", loki.Pushes.Count / (double)Seconds, "", Format: "F1"),
            new($"{name}: lines missing", sent - function.Count, "", Target.Exactly(0), "F0"),
            new($"{name}: lines duplicated", function.Count - distinct, "", Target.Exactly(0), "F0"),
        ];
    }

    private static List<ReceivedEntry> FunctionEntries(LokiReceiver loki) => [.. loki.Entries.Where(e => e.LabelMap["source"] == "function")];
}
