using System.Globalization;
using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

// Figures of the real binary, in rounds: every section runs once per round, the rounds interleave, and each figure is
// printed as its median over the rounds with the spread beside it (see docs/figures.md). Arguments name the sections
// (start, small, large, busy, managed, cpu-share, fleet or fleet=N) and the rounds (rounds=N, 3 by default); none runs every section, and
// such a full run is written to artifacts/bench/results.json. The fleet section runs against a real Loki: LOKI_TEST_URL
// and LOKI_TEST_TIGHT_URL, or ones it starts from ../shared/loki. BENCH_ENV=NAME=value;NAME2=value2 adds variables to
// the extension's environment (runtime settings to compare).
string binary = ExtensionBinary.Locate();
string[] all = ["start", "small", "large", "busy", "managed", "cpu-share", "fleet"];
var asked = args.Where(a => !a.StartsWith("rounds=", StringComparison.Ordinal)).Select(a => a.Split('=')[0]).ToHashSet();
string[] sections = asked.Count == 0 ? all : [.. all.Where(asked.Contains)];
int rounds = Number("rounds", 3);
int fleetSandboxes = Number("fleet", 8);
Console.WriteLine($"bench: {binary}; sections {string.Join(", ", sections)}; {rounds} rounds");

var table = new FigureTable();
for (int round = 1; round <= rounds; round++)
{
    foreach (string section in sections)
    {
        Console.WriteLine($"round {round}: {section}");
        table.Add(section switch
        {
            "start" => await Sections.StartAsync(Options),
            "small" => await Sections.SmallAsync(Options),
            "large" => await Sections.LargeAsync(Options),
            "busy" => await Sections.BusyAsync(Options),
            "managed" => await ManagedBench.RunAsync(Options),
            "cpu-share" => await CpuShareBench.RunAsync(Options),
            _ => await FleetBench.RunAsync(fleetSandboxes, url => OptionsFor(url, [])),
        });
    }
}
table.Add([new Measure("binary size", new FileInfo(binary).Length / 1_000_000.0, "MB", Target.AtMost(8, "MB"), "F2")]);
table.Print(Machine.Current(), rounds,
    asked.Count == 0 ? Path.Combine(ExtensionBinary.RepositoryRoot(), "artifacts", "bench", "results.json") : null);

int Number(string name, int fallback) =>
    args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } given ? int.Parse(given[(name.Length + 1)..], CultureInfo.InvariantCulture) : fallback;

static SandboxOptions Options(LokiReceiver loki, (string Name, string Value)[] extra) => OptionsFor(loki.BaseUrl, extra);

static SandboxOptions OptionsFor(Uri lokiUrl, (string Name, string Value)[] extra)
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
