using System.Text.RegularExpressions;

namespace LokiLambdaExtension.EndToEnd.Rie;

/// <summary>The layer's binary under AWS's own Lambda code: the Runtime Interface Emulator behind <c>sam local</c> and in
/// AWS's base images, in both its modes, against a real Loki. What it does that our emulator does not is a bug in our
/// emulator or a difference written down there (tools/LambdaEmulator).</summary>
[Collection(ExtensionCollection.Name)]
public sealed partial class RieTests(ExtensionBinaryFixture extension)
{
    [RieFact]
    public async Task Classic_ItsStubbedTelemetryIsARefusal_NoInvocationIsHeldPastTheFunctionsOwnTime()
    {
        RieRun run = await RieRun.RunAsync(extension.Path, "on-demand", [1, 1, 1, 1, 1]);

        Assert.All(run.Invocations, i => Assert.Equal(200, i.Status));
        // The first carries the init; the others are the function's own few milliseconds (before: 9.65 s each, with a
        // 10 s timeout, waiting for a runtimeDone that never came).
        Assert.All(run.Invocations.Skip(1), i => Assert.InRange(i.Took.TotalMilliseconds, 0, 150));
        Assert.Single(Regex.Matches(run.RieLog, "no subscription was accepted in the on-demand model"));
        Assert.Contains("Telemetry.NotSupported", run.RieLog);
        Assert.Matches(@"\[loki-lambda-extension\] shutdown: shipping was off", run.RieLog);
    }

    [RieFact]
    public async Task ManagedInstances_EveryLineInLokiOnce_WithItsRequestsId_NoTwoRequestsJoined()
    {
        RieRun run = await RieRun.RunAsync(extension.Path, "lmi", [4, 4]);
        await AssertEveryLineOnceAsync(run);
    }

    [RieFact]
    public async Task ManagedInstances_AgainstTodaysLoki_376()
    {
        RieRun run = await RieRun.RunAsync(extension.Path, "lmi", [4], lokiVersion: "3.7.6");
        await AssertEveryLineOnceAsync(run);
    }

    [RieFact]
    public async Task ManagedInstances_AnExtensionBesideOursCrashesAtInit_OursExitsCleanly_AndKeepsTheInitReport()
    {
        RieRun run = await RieRun.RunAsync(extension.Path, "lmi", [1], crashingNeighbour: true);

        Assert.Contains("errorType=Extension.Crash", run.RieLog);
        Assert.Contains("reason=failure", run.RieLog);
        // SHUTDOWN (reason failure) comes while Loki starts inside the namespace: what it did not take by the deadline is
        // in the spool, for the environment's next process. Either way nothing is lost, and ours exits on its own.
        Assert.True(Regex.IsMatch(run.RieLog, @"\[loki-lambda-extension\] shutdown: received=\d+ .*unsent=0|kept in the spool\)"), run.RieLog);
        var shipped = run.Entries.Select(e => e.Line).Concat(run.Spooled).ToList();
        Assert.Single(shipped, l => l.StartsWith("INIT_REPORT Init Duration: ", StringComparison.Ordinal)
            && l.EndsWith("\tPhase: init\tStatus: error\tError Type: Extension.Crash", StringComparison.Ordinal));
        Assert.Single(shipped, l => l.StartsWith("EXTENSION\tName: crashing-extension", StringComparison.Ordinal));
    }

    private static Task AssertEveryLineOnceAsync(RieRun run)
    {
        var served = run.Invocations.Where(i => i.Status == 200).Select(i => i.RequestId).ToList();
        Assert.NotEmpty(served);
        IReadOnlyList<LokiEntry> entries = run.Entries;
        foreach (string id in served)
        {
            // What the example runtime prints for each event (../shared/rie/example-bootstrap), each line once.
            Assert.Single(entries, e => e.Line == $"plain print for event {id}");
            LokiEntry text = Assert.Single(entries, e => e.Line.EndsWith($"\tINFO\ttext-format line, event n={id}", StringComparison.Ordinal));
            Assert.True(id == text["request_id"], $"{text.Line}: {string.Join(", ", text.Labels.Concat(text.Metadata).Select(p => $"{p.Key}={p.Value}"))}");
            Assert.Equal("info", text["level"]);
            LokiEntry json = Assert.Single(entries, e => e.Line.Contains($"json log line, event n={id}", StringComparison.Ordinal));
            Assert.Equal(id, json["request_id"]);
            Assert.Equal("error", json["level"]);
            // The traceback, written line by line to stderr: its lines arrive, none in an entry with another request's.
            // Its closing line stands alone (no joining where requests interleave) and is an error all the same.
            Assert.Equal("error", Assert.Single(entries, e => e.Line.Contains($"ValueError: boom in event {id}", StringComparison.Ordinal))["level"]);
            Assert.Single(entries, e => e.Line == $"START RequestId: {id} Version: $LATEST");
            Assert.Equal(id, Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {id}\t", StringComparison.Ordinal))["request_id"]);
        }
        Assert.All(entries, e => Assert.True(served.Count(id => e.Line.Contains(id, StringComparison.Ordinal)) <= 1, $"two requests in one entry: {e.Line}"));
        Assert.All(entries.Where(e => e["request_id"] is not null), e => Assert.Contains(e["request_id"]!, served));
        Assert.DoesNotContain(entries, e => e.Line.Contains("Runtime Version: \t", StringComparison.Ordinal) || e.Line.EndsWith("Runtime Version: ", StringComparison.Ordinal));
        Assert.Single(entries, e => e.Line.StartsWith("INIT_START", StringComparison.Ordinal));
        return Task.CompletedTask;
    }
}
