using System.Globalization;
using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;
using LokiLambdaExtension.Tools.Sandbox;

// Runs the real AOT extension in the emulated Lambda sandbox and reports what reached Loki.
var options = SandboxArguments.Parse(args);
if (options is null)
{
    Console.WriteLine("""
        usage: dotnet run --project tools/Sandbox [-- options]
          --mode MODE       the execution model to play: on-demand (default), provisioned, snapstart, managed
          --invocations N   invocations in the default scenario (default 5)
          --replay FILE     replay Telemetry API bodies from FILE (a JSON array of bodies), one invocation each
          --loki URL        ship to a real Loki instead of the embedded receiver; LOKI_* variables (auth, tenant,
                            labels, ...) are passed to the extension as they would be set on the function
          --outage          the embedded receiver answers 503 during invocations 2 and 3, then recovers
          --quiet           do not echo the extension's own output
        LOKI_EXTENSION_BINARY and LOKI_EXTENSION_LAUNCHER run another build, e.g. the arm64 one under
        qemu-aarch64-static -L /usr/aarch64-linux-gnu.
        """);
    return 2;
}

Console.WriteLine("building the extension (Native AOT) if needed...");
string binary = ExtensionBinary.Locate();
await using LokiReceiver? receiver = options.LokiUrl is null ? LokiReceiver.Start() : null;
string lokiUrl = options.LokiUrl ?? receiver!.BaseUrl.ToString();
// The extension's own configuration passes through (auth, tenant, labels, ...), as it would be set on the function.
var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .Where(v => ((string)v.Key).StartsWith("LOKI_", StringComparison.Ordinal) && (string)v.Key is not ("LOKI_EXTENSION_BINARY" or "LOKI_EXTENSION_LAUNCHER"))
    .ToDictionary(v => (string)v.Key, v => (string?)v.Value ?? "");
environment["LOKI_PUSH_URL"] = lokiUrl;

Console.WriteLine($"extension: {binary} ({new FileInfo(binary).Length / 1024.0 / 1024.0:F1} MB)");
Console.WriteLine($"loki:      {(receiver is null ? lokiUrl : $"embedded strict receiver at {lokiUrl}")}");
Console.WriteLine($"model:     {options.Model} ({ModelScenario.Describe(options.Model)})");
await using var sandbox = await LambdaSandbox.StartAsync(ExtensionBinary.Options(binary, environment) with
{
    Model = options.Model,
    InitLines = options.Model == EmulatedModel.OnDemand ? [] : ModelScenario.InitLines,
    OnOutput = options.Quiet ? null : line => Console.WriteLine($"  | {line}"),
});
Console.WriteLine($"init: start -> first /event/next in {sandbox.StartToFirstNext.TotalMilliseconds:F1} ms" +
                  (receiver is null ? "" : $"; Loki has {receiver.Entries.Count} entries before the first invocation"));

var invocations = options.ReplayFile is { } file ? Scenario.Replay(file).ToList() : Scenario.Default(options.Invocations).ToList();
var results = new List<InvocationResult>();
if (options.Model == EmulatedModel.Managed)
{
    await ModelScenario.RunConcurrentlyAsync(sandbox, receiver, options.Invocations);
    invocations.Clear();
}
foreach (var (invocation, number) in invocations.Select((invocation, index) => (invocation, index + 1)))
{
    if (options.Outage && receiver is not null && number is 2 or 4)
    {
        bool down = number == 2;
        receiver.SetPersistentFault(down ? new Fault.Status(503, "ingester unavailable (simulated outage)") : null);
        Console.WriteLine(down ? "-- Loki goes down (503) --" : "-- Loki is back --");
    }
    InvocationResult result = await sandbox.InvokeAsync(invocation);
    results.Add(result);
    Console.WriteLine($"invoke {invocation.RequestId}: {invocation.Lines.Count} lines, {invocation.Outcome.ToString().ToLowerInvariant()}, " +
                      $"held {result.HeldAfterRuntimeDone.TotalMilliseconds:F1} ms after runtimeDone" +
                      (receiver is null ? "" : $", Loki has {receiver.Entries.Count} entries"));
}
ShutdownResult shutdown = await sandbox.ShutdownAsync();
Console.WriteLine($"shutdown: exit code {shutdown.ExitCode?.ToString() ?? "none (SIGKILLed)"} after {shutdown.Duration.TotalMilliseconds:F0} ms");

Report.Print(receiver, sandbox, results, shutdown);
return sandbox.ProtocolErrors.Count == 0 && !shutdown.Killed ? 0 : 1;

internal sealed record SandboxArguments(int Invocations, string? ReplayFile, string? LokiUrl, bool Quiet, bool Outage, EmulatedModel Model)
{
    public static SandboxArguments? Parse(string[] args)
    {
        var result = new SandboxArguments(5, null, null, false, false, EmulatedModel.OnDemand);
        for (int i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--invocations" when int.TryParse(Value(), CultureInfo.InvariantCulture, out int n) && n > 0:
                    result = result with { Invocations = n };
                    break;
                case "--replay" when Value() is { } path && File.Exists(path):
                    result = result with { ReplayFile = path };
                    break;
                case "--loki" when Value() is { } url:
                    result = result with { LokiUrl = url };
                    break;
                case "--mode" when ModelScenario.Parse(Value()) is { } model:
                    result = result with { Model = model };
                    break;
                case "--quiet":
                    result = result with { Quiet = true };
                    break;
                case "--outage":
                    result = result with { Outage = true };
                    break;
                default:
                    return null;
            }
        }
        return result;
    }
}
