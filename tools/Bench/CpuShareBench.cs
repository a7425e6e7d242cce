using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>What a function of 128, 256 or 512 MB lives with: Lambda gives it 7.2%, 14.5% or 28.9% of a CPU (1,769 MB
/// is one), and the extension shares that quota with the function. Each sandbox runs in a CPU cgroup of its own with
/// that quota (and one with none, counted only): start to first /event/next and the CPU it took (the group's own
/// count, every thread), the hold after runtimeDone of 20-line and 5,000-line invocations, CPU per line, and the CPU
/// and context switches of one small invocation. Where no cgroup can be made the section says so and gives nothing.</summary>
internal static class CpuShareBench
{
    private const int Starts = 5;
    private const int SmallInvocations = 20;
    private const int LargeInvocations = 10;
    private const int LargeLines = 5_000;

    private static readonly (string Name, double? Percent)[] Sizes =
        [("unthrottled", null), ("512 MB (28.9% of a CPU)", 28.9), ("256 MB (14.5%)", 14.5), ("128 MB (7.2%)", 7.2)];

    public static async Task<IEnumerable<Measure>> RunAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        if (CpuCgroup.WhyNot() is { } why)
        {
            Console.WriteLine($"cpu-share section skipped: {why}");
            return [];
        }
        var measures = new List<Measure>();
        string only = Environment.GetEnvironmentVariable("BENCH_CPU_SHARES") ?? "";
        foreach (var (size, percent) in Sizes.Where(s => only.Length == 0 || only.Split(',').Contains(s.Percent?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")))
        {
            bool user = percent == 7.2;
            bool unthrottled = percent is null;
            var (startMs, initCpuMs) = await StartsAsync(options, percent);
            measures.Add(new($"{size}: start -> first /event/next", startMs, "ms", user ? Target.AtMost(20, "ms") : null));
            measures.Add(new($"{size}: CPU from exec to first /event/next (all threads)", initCpuMs, "ms", user || unthrottled ? Target.AtMost(5, "ms") : null, "F2"));
            var small = await SmallAsync(options, percent);
            measures.Add(new($"{size}: held after runtimeDone, 20-line invocations, median", small.HeldMs, "ms"));
            measures.Add(new($"{size}: CPU per 20-line invocation, median", small.CpuMs, "ms", unthrottled ? Target.AtMost(1, "ms") : null, "F2"));
            measures.Add(new($"{size}: context switches per 20-line invocation, median", small.Switches, "", unthrottled ? Target.AtMost(10, "") : null, "F0"));
            measures.Add(new($"{size}: page faults per 20-line invocation, median", small.Faults, "", Format: "F0"));
            var large = await LargeAsync(options, percent);
            measures.Add(new($"{size}: held after runtimeDone, 5,000-line invocations of 200 B, median", large.HeldMs, "ms", user ? Target.AtMost(150, "ms") : null));
            measures.Add(new($"{size}: CPU per line, 50,000 lines of 200 B", large.CpuPerLineUs, "µs", user || unthrottled ? Target.AtMost(2, "µs") : null, "F2"));
        }
        if (only.Length == 0 || only.Split(',').Intersect(["none", "managed"]).Any())
        {
            measures.Add(new("unthrottled: Managed Instances, 1 request a second of 10 lines: CPU per second", await ManagedQuietAsync(options), "ms", Format: "F2"));
        }
        return measures;
    }

    /// <summary>Loki keeps its connections alive: so does the receiver here, so a push's CPU is the push's, not a connect's.</summary>
    private static readonly ReceiverOptions KeptAlive = new() { KeepAlive = true };

    private static SandboxOptions InGroup(SandboxOptions options, CpuCgroup group)
    {
        var (launcher, arguments) = group.Launcher();
        return options with { Launcher = launcher, LauncherArguments = arguments, CpuMeter = group.Usage };
    }

    private static async Task<(double StartMs, double InitCpuMs)> StartsAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options, double? percent)
    {
        var starts = new List<double>();
        var cpu = new List<double>();
        for (int i = 0; i < Starts; i++)
        {
            using var group = CpuCgroup.Create(percent);
            await using (var loki = LokiReceiver.Start(KeptAlive))
            await using (var sandbox = await LambdaSandbox.StartAsync(InGroup(options(loki, []), group)))
            {
                starts.Add(sandbox.StartToFirstNext.TotalMilliseconds);
                cpu.Add(sandbox.CpuAtFirstNext!.Value.TotalMilliseconds);
                await sandbox.ShutdownAsync();
            }
        }
        return (Bench.Median(starts), Bench.Median(cpu));
    }

    private static async Task<(double HeldMs, double CpuMs, double Switches, double Faults)> SmallAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options, double? percent)
    {
        var held = new List<double>();
        var cpu = new List<double>();
        var switches = new List<double>();
        var faults = new List<double>();
        using var group = CpuCgroup.Create(percent);
        await using var loki = LokiReceiver.Start(KeptAlive);
        await using var sandbox = await LambdaSandbox.StartAsync(InGroup(options(loki, []), group));
        for (int i = 0; i < SmallInvocations; i++)
        {
            TimeSpan cpuBefore = sandbox.CpuNow();
            long switchesBefore = sandbox.ContextSwitchesNow();
            long faultsBefore = sandbox.PageFaultsNow();
            var result = await sandbox.InvokeAsync(Bench.Invocation(i, 20, 120));
            held.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
            cpu.Add((sandbox.CpuNow() - cpuBefore).TotalMilliseconds);
            switches.Add(sandbox.ContextSwitchesNow() - switchesBefore);
            faults.Add(sandbox.PageFaultsNow() - faultsBefore);
        }
        await sandbox.ShutdownAsync();
        return (Bench.Median(held), Bench.Median(cpu), Bench.Median(switches), Bench.Median(faults));
    }

    /// <summary>A Managed Instance at a low, steady rate: what the extension costs a second when little happens.</summary>
    private static async Task<double> ManagedQuietAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options)
    {
        const int Seconds = 10;
        using var group = CpuCgroup.Create(null);
        await using var loki = LokiReceiver.Start(KeptAlive);
        await using var sandbox = await LambdaSandbox.StartAsync(InGroup(options(loki, []), group) with { Model = EmulatedModel.Managed });
        await Task.Delay(1000); // init's own pushes done
        TimeSpan cpuBefore = sandbox.CpuNow();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int second = 0; second < Seconds; second++)
        {
            var records = Enumerable.Range(0, 10).Select(n => (TelemetryLine)new TelemetryLine.Json($"second {second} line {n}")).ToList();
            await sandbox.InvokeConcurrentlyAsync([new Invocation($"{second:D8}-0000-4000-8000-000000000000", records) { RuntimeDurationMs = 5 }]);
            TimeSpan next = TimeSpan.FromSeconds(second + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }
        double cpuPerSecondMs = (sandbox.CpuNow() - cpuBefore).TotalMilliseconds / clock.Elapsed.TotalSeconds;
        await sandbox.ShutdownAsync();
        return cpuPerSecondMs;
    }

    private static async Task<(double HeldMs, double CpuPerLineUs)> LargeAsync(Func<LokiReceiver, (string, string)[], SandboxOptions> options, double? percent)
    {
        var held = new List<double>();
        using var group = CpuCgroup.Create(percent);
        await using var loki = LokiReceiver.Start(KeptAlive);
        await using var sandbox = await LambdaSandbox.StartAsync(InGroup(options(loki, []), group));
        TimeSpan cpuBefore = sandbox.CpuNow();
        for (int i = 0; i < LargeInvocations; i++)
        {
            var result = await sandbox.InvokeAsync(Bench.Invocation(i, LargeLines, 200) with { TimeoutMs = 60_000 });
            held.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
        }
        double cpuPerLineUs = (sandbox.CpuNow() - cpuBefore).TotalMilliseconds * 1000 / (LargeInvocations * LargeLines);
        await sandbox.ShutdownAsync();
        return (Bench.Median(held), cpuPerLineUs);
    }
}
