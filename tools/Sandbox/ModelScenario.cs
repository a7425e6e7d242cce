using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.Tools.Sandbox;

/// <summary>What <c>--mode</c> adds to the default scenario: init lines where the model pushes them before the first
/// invocation, and on Managed Instances rounds of concurrent requests in a never-frozen environment.</summary>
internal static class ModelScenario
{
    public static readonly IReadOnlyList<string> InitLines = ["application context started in 2.1 s", "connection pool ready (8 connections)"];

    public static EmulatedModel? Parse(string? word) => word switch
    {
        "on-demand" => EmulatedModel.OnDemand,
        "provisioned" => EmulatedModel.Provisioned,
        "snapstart" => EmulatedModel.SnapStart,
        "managed" => EmulatedModel.Managed,
        _ => null,
    };

    public static string Describe(EmulatedModel model) => model switch
    {
        EmulatedModel.Provisioned => "init lines pushed at the end of init; frozen until the first invocation",
        EmulatedModel.SnapStart => "init lines pushed before the snapshot; restored with dead connections and the init records again",
        EmulatedModel.Managed => "SHUTDOWN-only registration; never frozen; concurrent requests; pushes on a timer",
        _ => "one invocation at a time, frozen between them",
    };

    /// <summary>Managed Instances: <paramref name="rounds"/> rounds of four concurrent requests whose JSON lines
    /// interleave; then a pause, to show the lines reaching Loki with no event to wait for.</summary>
    public static async Task RunConcurrentlyAsync(LambdaSandbox sandbox, LokiReceiver? receiver, int rounds)
    {
        for (int round = 1; round <= rounds; round++)
        {
            var requests = Enumerable.Range(1, 4).Select(r =>
            {
                string requestId = $"{round:x4}{r:x4}-49c9-448d-89b8-7ca3e6dc66aa";
                TelemetryLine[] lines = [new TelemetryLine.Json($"loading order {4700 + round * 10 + r}"), new TelemetryLine.Json($"order {4700 + round * 10 + r} done")];
                return new Invocation(requestId, lines) { RuntimeDurationMs = 30 };
            }).ToList();
            await sandbox.InvokeConcurrentlyAsync(requests);
            Console.WriteLine($"round {round}: {requests.Count} concurrent requests" + (receiver is null ? "" : $", Loki has {receiver.Entries.Count} entries"));
        }
        await Task.Delay(1500);
        Console.WriteLine($"1.5 s later, with no event: " + (receiver is null ? "see your Loki" : $"Loki has {receiver.Entries.Count} entries"));
    }
}
