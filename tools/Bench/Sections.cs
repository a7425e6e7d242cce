using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>The bench's sections, each run once per round, each giving the round's measures. Every extension figure
/// comes with the emulator's own share removed where it has one: start-up less the spawn baseline, holds counted from
/// the platform's delivery of runtimeDone as well as from runtimeDone (what users are billed for), CPU per line from
/// the extension's own /proc counters.</summary>
internal static class Sections
{
    private const int StartsPerRound = 10;

    /// <summary>Start to first /event/next, interleaved with the spawn baseline (a trivial program started the same way).</summary>
    public static async Task<IEnumerable<Measure>> StartAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        var starts = new List<double>();
        var baselines = new List<double>();
        for (int i = 0; i < StartsPerRound; i++)
        {
            baselines.Add((await SpawnBaseline.MeasureAsync()).TotalMilliseconds);
            await using var loki = LokiReceiver.Start();
            await using var sandbox = await LambdaSandbox.StartAsync(options(loki, []));
            starts.Add(sandbox.StartToFirstNext.TotalMilliseconds);
            await sandbox.ShutdownAsync();
        }
        double start = Bench.Median(starts), baseline = Bench.Median(baselines);
        return
        [
            new("start -> first /event/next, the extension's share (less the spawn baseline)", start - baseline, "ms", Target.AtMost(8, "ms")),
            new("start -> first /event/next, as measured", start, "ms"),
            new("spawn baseline: a trivial program started the same way, to its first request", baseline, "ms"),
        ];
    }

    /// <summary>100 invocations of 20 lines: memory, the hold after runtimeDone, pushes.</summary>
    public static async Task<IEnumerable<Measure>> SmallAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        var billed = new List<double>();
        var own = new List<double>();
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(options(loki, []));
        for (int i = 0; i < 100; i++)
        {
            var result = await sandbox.InvokeAsync(Bench.Invocation(i, 20, 120));
            billed.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
            own.Add(result.HeldAfterDelivery.TotalMilliseconds);
        }
        var shutdown = await sandbox.ShutdownAsync();
        return
        [
            new("peak RSS (VmHWM), 100 invocations of 20 lines", shutdown.PeakRssKb / 1024.0, "MB", Target.AtMost(15, "MB")),
            new("held after runtimeDone, billed (Loki on loopback, 25 ms buffering), median", Bench.Median(billed), "ms", Target.AtMost(32, "ms")),
            new("held after runtimeDone's delivery, the extension's share, median", Bench.Median(own), "ms"),
            new("pushes of the function's lines for those 100 invocations", Bench.FunctionPushes(loki), "", Target.AtMost(100, ""), "F0"),
        ];
    }

    /// <summary>50,000 lines of 200 bytes in 10 invocations: memory, CPU, pushes, nothing lost or duplicated.</summary>
    public static async Task<IEnumerable<Measure>> LargeAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        const int Lines = 50_000;
        var billed = new List<double>();
        var own = new List<double>();
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(options(loki, []));
        for (int i = 0; i < 10; i++)
        {
            var result = await sandbox.InvokeAsync(Bench.Invocation(i, Lines / 10, 200) with { TimeoutMs = 60_000 });
            billed.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
            own.Add(result.HeldAfterDelivery.TotalMilliseconds);
        }
        var shutdown = await sandbox.ShutdownAsync();
        var function = loki.Entries.Where(e => e.LabelMap["source"] == "function").ToList();
        int distinct = function.Select(e => e.Line).Distinct().Count();
        return
        [
            new("peak RSS (VmHWM), 50,000 lines of 200 B", shutdown.PeakRssKb / 1024.0, "MB", Target.AtMost(24, "MB")),
            new("CPU per line (user+sys from /proc, 10 ms ticks), 50,000 lines", shutdown.CpuTime.TotalMilliseconds * 1000 / Lines, "µs", Target.AtMost(5, "µs"), "F2"),
            new("pushes of those 50,000 lines", Bench.FunctionPushes(loki), "", Target.AtMost(20, ""), "F0"),
            new("held after runtimeDone, billed, 5,000-line invocations, median", Bench.Median(billed), "ms"),
            new("held after runtimeDone's delivery, the extension's share, 5,000-line invocations, median", Bench.Median(own), "ms"),
            new("lines of those 50,000 missing", Lines - function.Count, "", Target.Exactly(0), "F0"),
            new("lines of those 50,000 duplicated", function.Count - distinct, "", Target.Exactly(0), "F0"),
        ];
    }

    /// <summary>20 invocations per second for 10 s, Loki on loopback and 60 ms away: flushing at the end of each
    /// invocation versus adaptively (which goes back to /event/next without waiting for runtimeDone).</summary>
    public static async Task<IEnumerable<Measure>> BusyAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        var measures = new List<Measure>();
        foreach (int lokiDelayMs in new[] { 0, 60 })
        {
            string where = lokiDelayMs == 0 ? "Loki on loopback" : $"Loki {lokiDelayMs} ms away";
            foreach (string strategy in new[] { "end", "adaptive" })
            {
                await using var loki = LokiReceiver.Start();
                loki.SetPersistentFault(lokiDelayMs > 0 ? new Fault.Delay(lokiDelayMs) : null);
                await using var sandbox = await LambdaSandbox.StartAsync(options(loki, [("LOKI_FLUSH_STRATEGY", strategy)]));
                var held = new List<double>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < 200; i++)
                {
                    held.Add((await sandbox.InvokeAsync(Bench.Invocation(i, 10, 120))).HeldAfterRuntimeDone.TotalMilliseconds);
                    TimeSpan nextSlot = TimeSpan.FromMilliseconds(50 * (i + 1)) - clock.Elapsed;
                    if (nextSlot > TimeSpan.Zero)
                    {
                        await Task.Delay(nextSlot); // frozen in between, as Lambda keeps it
                    }
                }
                double minutes = clock.Elapsed.TotalMinutes;
                int pushes = loki.Pushes.Count;
                await sandbox.ShutdownAsync();
                var function = loki.Entries.Where(e => e.LabelMap["source"] == "function").ToList();
                string name = $"20 invocations/s, {where}, LOKI_FLUSH_STRATEGY={strategy}";
                Target? target = strategy == "end" ? null
                    : lokiDelayMs == 0 ? Target.AtMost(2, "ms")
                    : Target.Below($"20 invocations/s, {where}, LOKI_FLUSH_STRATEGY=end: held after runtimeDone, billed, median", "below end's");
                measures.Add(new($"{name}: held after runtimeDone, billed, median", Bench.Median(held), "ms", target));
                measures.Add(new($"{name}: push requests per minute", pushes / minutes, "", Format: "F0"));
                measures.Add(new($"{name}: lines lost or extra, duplicated", Math.Abs(2000 - function.Count) + (function.Count - function.Select(e => e.Line).Distinct().Count()),
                    "", Target.Exactly(0), "F0"));
            }
        }
        return measures;
    }
}
