using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.Archive;

/// <summary>The archive in the execution models whose lifecycle differs: Managed Instances (never frozen, SHUTDOWN
/// only, concurrent requests) and SnapStart (init before a snapshot, clones after it).</summary>
[Collection(ExtensionCollection.Name)]
public sealed class ArchiveModelTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task Managed_LokiDownThroughShutdown_EveryRequestsLinesAreInTheArchiveOnce()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Status(503, "unavailable"));
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, [.. s3.Environment("lambda").Select(v => (v.Key, v.Value))])
            with { Model = EmulatedModel.Managed });
        var messages = new List<string>();
        for (int round = 0; round < 2; round++)
        {
            await sandbox.InvokeConcurrentlyAsync([.. Enumerable.Range(0, 4).Select(i =>
            {
                string requestId = $"{round:D4}{i:D4}-0000-4000-8000-{run}0000";
                var lines = Enumerable.Range(1, 10).Select(n => $"{run} request {requestId} line {n}").ToList();
                messages.AddRange(lines);
                return new Invocation(requestId, [.. lines.Select(m => (TelemetryLine)new TelemetryLine.Json(m))]) { RuntimeDurationMs = 50 };
            })]);
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        string output = string.Join("\n", sandbox.Output);
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(0, shutdown.ExitCode);
        var archived = ArchivedEntry.Of(s3.Objects());
        Assert.All(messages, m => Assert.Single(archived, e => e.Line.Contains(m + "\"", StringComparison.Ordinal))); // the JSON string ends there
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "unsent"));
        Assert.True(ExtensionSummary.Number(sandbox.Output, "archived") >= messages.Count, output);
    }

    [Fact]
    public async Task SnapStart_AllMode_TheInitLinesAreCopiedOnceBeforeTheSnapshot_NotAgainByTheClone()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, SnapStartArchive.Environment(s3))
            with
            {
                Model = EmulatedModel.SnapStart,
                InitLines = [$"{run} Spring context started", $"{run} caches warm"],
            });
        int objectsAtRestore = s3.Objects().Count;
        for (int i = 1; i <= 2; i++)
        {
            await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order {i} loaded")]));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.True(objectsAtRestore >= 1, "the init's copies were written before the snapshot: " + string.Join("\n", sandbox.Output));
        var archived = ArchivedEntry.Of(s3.Objects());
        Assert.Single(archived, e => e.Line.EndsWith($"{run} Spring context started", StringComparison.Ordinal));
        Assert.Single(archived, e => e.Line.EndsWith($"{run} caches warm", StringComparison.Ordinal));
        Assert.Single(archived, e => e.Line.EndsWith($"{run} order 2 loaded", StringComparison.Ordinal));
        Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} caches warm", StringComparison.Ordinal));
    }
}
