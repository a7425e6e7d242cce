using System.Globalization;
using System.Text.Json;
using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

// Figures of the real binary, each from its own fresh sandbox, written to artifacts/bench/results.json and printed.
// Arguments name the sections to run (start, small, large, busy, fleet or fleet=N); none runs them all. The fleet
// section runs against a real Loki: LOKI_TEST_URL and LOKI_TEST_TIGHT_URL, or ones it starts from ../shared/loki.
string binary = ExtensionBinary.Locate();
var figures = new List<Figure>();
var sections = args.Length == 0 ? ["start", "small", "large", "busy", "fleet"] : args.Select(a => a.Split('=')[0]).ToHashSet();
int fleetSandboxes = args.FirstOrDefault(a => a.StartsWith("fleet=", StringComparison.Ordinal)) is { } fleet ? int.Parse(fleet[6..], CultureInfo.InvariantCulture) : 8;
Console.WriteLine($"bench: {binary}");

// 1. Start -> first /event/next, median of 20 starts (the emulator warms itself up first).
var starts = new List<double>();
for (int i = 0; i < (sections.Contains("start") ? 20 : 0); i++)
{
    await using var loki = LokiReceiver.Start();
    await using var sandbox = await LambdaSandbox.StartAsync(Options(loki));
    starts.Add(sandbox.StartToFirstNext.TotalMilliseconds);
    await sandbox.ShutdownAsync();
}
if (starts.Count > 0)
{
    figures.Add(new("start -> first /event/next (median of 20)", $"{Bench.Median(starts):F1} ms (min {starts.Min():F1}, max {starts.Max():F1})", "<= 8 ms",
        Bench.AtMost(Bench.Median(starts), 8, "ms")));
}

// 2. A small run: peak memory, and the time held after runtimeDone over 100 invocations of 20 lines.
if (sections.Contains("small"))
{
    var held = new List<double>();
    long smallRss;
    int smallPushes;
    await using (var loki = LokiReceiver.Start())
    {
        await using var sandbox = await LambdaSandbox.StartAsync(Options(loki));
        for (int i = 0; i < 100; i++)
        {
            var result = await sandbox.InvokeAsync(Invocation(i, 20, 120));
            held.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
        }
        var shutdown = await sandbox.ShutdownAsync();
        smallRss = shutdown.PeakRssKb;
        smallPushes = FunctionPushes(loki);
    }
    figures.Add(new("peak RSS (VmHWM), 100 invocations of 20 lines", $"{smallRss / 1024.0:F1} MB", "<= 15 MB", Bench.AtMost(smallRss / 1024.0, 15, "MB")));
    figures.Add(new("held after runtimeDone (Loki on loopback, 25 ms buffering)", $"median {Bench.Median(held):F1} ms, p99 {Bench.Percentile(held, 0.99):F1} ms",
        "<= 32 ms median", Bench.AtMost(Bench.Median(held), 32, "ms")));
    // Each stream is a push request of its own (function, platform): the function's are the ones batching decides.
    figures.Add(new("pushes of the function's lines for those 100 invocations", smallPushes.ToString(CultureInfo.InvariantCulture), "one per invocation",
        Bench.AtMost(smallPushes, 100, "pushes", "F0")));
}

// 3. 50,000 lines of 200 bytes in 10 invocations: memory, CPU, pushes, nothing lost or duplicated.
if (sections.Contains("large"))
{
    await using (var loki = LokiReceiver.Start())
    {
        await using var sandbox = await LambdaSandbox.StartAsync(Options(loki));
        var bigHeld = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            var result = await sandbox.InvokeAsync(Invocation(i, 5000, 200) with { TimeoutMs = 60_000 });
            bigHeld.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
        }
        var shutdown = await sandbox.ShutdownAsync();
        int arrived = loki.Entries.Count(e => e.LabelMap["source"] == "function");
        int distinct = loki.Entries.Where(e => e.LabelMap["source"] == "function").Select(e => e.Line).Distinct().Count();
        figures.Add(new("peak RSS (VmHWM), 50,000 lines of 200 B", $"{shutdown.PeakRssKb / 1024.0:F1} MB", "<= 24 MB", Bench.AtMost(shutdown.PeakRssKb / 1024.0, 24, "MB")));
        figures.Add(new("CPU for those 50,000 lines (user+sys, /proc, 10 ms ticks)", $"{shutdown.CpuTime.TotalSeconds:F2} s", "<= 0.25 s",
            Bench.AtMost(shutdown.CpuTime.TotalSeconds, 0.25, "s", "F2")));
        figures.Add(new("pushes of those 50,000 lines (all push requests, every stream)", $"{FunctionPushes(loki)} ({loki.Pushes.Count})", "<= 20",
            Bench.AtMost(FunctionPushes(loki), 20, "pushes", "F0")));
        figures.Add(new("held after runtimeDone, 5,000-line invocations", $"median {Bench.Median(bigHeld):F1} ms, max {bigHeld.Max():F1} ms", ""));
        figures.Add(new("lines arrived / duplicated", $"{arrived} of 50000 / {arrived - distinct}", "50000 / 0",
            arrived == 50000 && arrived == distinct ? "met" : "**missed**"));
    }
}

// 4. 20 invocations per second for 10 s, Loki on loopback and 60 ms away: flushing at the end of each invocation
// versus adaptively. Adaptive flushing of a busy function goes back to /event/next without waiting for runtimeDone
// (which Lambda delivers after its 25 ms buffering), pushing at most once a second while the function runs.
if (sections.Contains("busy"))
{
    foreach (int lokiDelayMs in new[] { 0, 60 })
    {
        double endHeldMedian = double.NaN;
        string where = lokiDelayMs == 0 ? "Loki on loopback" : $"Loki {lokiDelayMs} ms away";
        foreach (string strategy in new[] { "end", "adaptive" })
        {
            await using var loki = LokiReceiver.Start();
            loki.SetPersistentFault(lokiDelayMs > 0 ? new Fault.Delay(lokiDelayMs) : null);
            await using var sandbox = await LambdaSandbox.StartAsync(Options(loki, ("LOKI_FLUSH_STRATEGY", strategy)));
            var strategyHeld = new List<double>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < 200; i++)
            {
                var result = await sandbox.InvokeAsync(Invocation(i, 10, 120));
                strategyHeld.Add(result.HeldAfterRuntimeDone.TotalMilliseconds);
                TimeSpan nextSlot = TimeSpan.FromMilliseconds(50 * (i + 1)) - clock.Elapsed;
                if (nextSlot > TimeSpan.Zero)
                {
                    await Task.Delay(nextSlot); // frozen in between, as Lambda keeps it
                }
            }
            double minutes = clock.Elapsed.TotalMinutes;
            int pushesDuring = loki.Pushes.Count;
            await sandbox.ShutdownAsync();
            int arrived = loki.Entries.Count(e => e.LabelMap["source"] == "function");
            int distinct = loki.Entries.Where(e => e.LabelMap["source"] == "function").Select(e => e.Line).Distinct().Count();
            double heldMedian = Bench.Median(strategyHeld);
            endHeldMedian = strategy == "end" ? heldMedian : endHeldMedian;
            string target = strategy == "end" ? "" : lokiDelayMs == 0 ? "<= 2 ms median" : "below end's";
            figures.Add(new($"20 invocations/s, {where}, LOKI_FLUSH_STRATEGY={strategy}: held after runtimeDone",
                $"median {heldMedian:F1} ms, p99 {Bench.Percentile(strategyHeld, 0.99):F1} ms", target,
                strategy == "end" ? "" : Bench.AtMost(heldMedian, lokiDelayMs == 0 ? 2 : endHeldMedian, "ms")));
            figures.Add(new($"20 invocations/s, {where}, LOKI_FLUSH_STRATEGY={strategy}: push requests per minute",
                $"{pushesDuring / minutes:F0} ({arrived - 2000} lines lost or extra, {arrived - distinct} duplicated)", "0 lost, 0 duplicated",
                arrived == 2000 && arrived == distinct ? "met" : "**missed**"));
        }
    }
}

// 5. A fleet of sandboxes of one function against a real Loki (see FleetBench).
if (sections.Contains("fleet"))
{
    figures.AddRange(await FleetBench.RunAsync(fleetSandboxes, url => OptionsFor(url)));
}

double binaryMb = new FileInfo(binary).Length / 1_000_000.0;
figures.Add(new("binary size", $"{binaryMb:F2} MB", "<= 8 MB (aim 6)", Bench.AtMost(binaryMb, 8, "MB", "F2")));

string machine = $"{Environment.ProcessorCount} cores, {File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?"}";
Console.WriteLine();
Console.WriteLine($"| figure | measured | target | verdict |  (machine: {machine}, {DateTime.UtcNow:yyyy-MM-dd})");
Console.WriteLine("|---|---|---|---|");
foreach (Figure figure in figures)
{
    Console.WriteLine($"| {figure.Name} | {figure.Value} | {figure.Target} | {figure.Verdict} |");
}
// Only a full run replaces the figures the README quotes.
if (args.Length == 0)
{
    string output = Path.Combine(ExtensionBinary.RepositoryRoot(), "artifacts", "bench", "results.json");
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    File.WriteAllText(output, JsonSerializer.Serialize(new
    {
        machine,
        date = DateTime.UtcNow,
        figures = figures.Select(f => new { f.Name, f.Value, f.Target, f.Verdict }),
    }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"\nwritten to {output}");
}

// BENCH_ENV=NAME=value;NAME2=value2 adds variables to the extension's environment (runtime settings to compare).
static SandboxOptions Options(LokiReceiver loki, params (string Name, string Value)[] extra) => OptionsFor(loki.BaseUrl, extra);

static SandboxOptions OptionsFor(Uri lokiUrl, params (string Name, string Value)[] extra)
{
    var environment = new Dictionary<string, string> { ["LOKI_PUSH_URL"] = lokiUrl.ToString() };
    foreach (var (name, value) in extra)
    {
        environment[name] = value;
    }
    foreach (string pair in (Environment.GetEnvironmentVariable("BENCH_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
    {
        environment[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
    }
    return ExtensionBinary.Options(ExtensionBinary.Locate(), environment);
}

// Pushes of the function's stream: each stream goes in a push request of its own.
static int FunctionPushes(LokiReceiver loki) => loki.Entries.Where(e => e.LabelMap["source"] == "function").Select(e => e.PushIndex).Distinct().Count();

static Invocation Invocation(int number, int lines, int bytes) => new(
    $"{number:D8}-0000-4000-8000-000000000000",
    [.. Enumerable.Range(0, lines).Select(n => new TelemetryLine.Text($"line {n} ".PadRight(bytes - 60, 'x')))]) { RuntimeDurationMs = 20 };

internal sealed record Figure(string Name, string Value, string Target, string Verdict = "");
