namespace LokiLambdaExtension.EndToEnd;

/// <summary>The AOT binary in every execution model the emulator plays as strictly as Lambda (protocols.md §5):
/// Managed Instances, SnapStart, provisioned concurrency, and on-demand's subscription fallbacks.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class ExecutionModelTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task Managed_ConcurrentInterleavedRequests_EachEntryKeepsItsOwnRequest_AndArrivesWhileTheEnvironmentRuns()
    {
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with
        {
            Model = EmulatedModel.Managed,
            InitLines = [$"{run} worker pool ready"],
        });
        var requests = new List<(string RequestId, List<string> Messages)>();
        for (int round = 0; round < 3; round++)
        {
            var invocations = Enumerable.Range(0, 4).Select(i =>
            {
                string requestId = $"{round:D4}{i:D4}-0000-4000-8000-{run}0000";
                var messages = Enumerable.Range(1, 10).Select(n => $"{run} request {requestId} line {n}").ToList();
                requests.Add((requestId, messages));
                return new Invocation(requestId, [.. messages.Select(m => (TelemetryLine)new TelemetryLine.Json(m))]) { RuntimeDurationMs = 50 };
            }).ToList();
            await sandbox.InvokeConcurrentlyAsync(invocations);
        }
        // No event comes to make the extension push: its timer must (at most a second, plus the platform's buffering).
        await WaitUntil(() => requests.All(r => r.Messages.All(m => loki.Entries.Any(e => e.Line.Contains(m)))), TimeSpan.FromSeconds(5));
        DateTimeOffset shutdownAt = DateTimeOffset.UtcNow;
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(["SHUTDOWN"], sandbox.RegisteredEvents);
        Assert.Equal("2025-01-29", sandbox.Subscription?.SchemaVersion);
        Assert.False(shutdown.Killed);
        Assert.Equal(0, shutdown.ExitCode);
        var entries = loki.Entries;
        foreach (var (requestId, messages) in requests)
        {
            foreach (string message in messages)
            {
                ReceivedEntry entry = Assert.Single(entries, e => e.Line.Contains($"\"{message}\""));
                Assert.Equal(requestId, entry.MetadataValue("request_id"));
                Assert.True(entry.ArrivedAt < shutdownAt, $"'{message}' arrived only at SHUTDOWN");
            }
            Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {requestId}\t", StringComparison.Ordinal));
            Assert.Single(entries, e => e.Line.StartsWith($"START RequestId: {requestId} ", StringComparison.Ordinal));
        }
        ReceivedEntry init = Assert.Single(entries, e => e.Line.Contains($"{run} worker pool ready"));
        Assert.Null(init.MetadataValue("request_id")); // a line that names no request gets none
        Assert.All(entries.Where(e => e.LabelMap["source"] == "platform"),
            e => Assert.Equal("lambda-managed-instances", e.MetadataValue("initialization_type")));
        NothingSentTwice.Check(loki, sandbox);
    }

    [Fact]
    public async Task Managed_AnExtensionThatRegistersForInvoke_FailsTheInit_AsLambdaDoes()
    {
        await using var loki = LokiReceiver.Start();
        // Told it runs on-demand, the extension asks for INVOKE: the emulator must refuse it as Managed Instances do.
        var options = extension.Options(loki.BaseUrl, ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")) with { Model = EmulatedModel.Managed };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LambdaSandbox.StartAsync(options));

        Assert.Contains("exited with code 1 during init", failure.Message);
        Assert.Contains("INVOKE asked for on Lambda Managed Instances", failure.Message);
    }

    [Fact]
    public async Task Managed_NoSubscriptionAccepted_ServesTheLifecycle_ShipsNothing_AndSaysWhyOnce()
    {
        await using var loki = LokiReceiver.Start();
        // A platform that takes no schema this extension speaks: it must still reach /event/next and exit cleanly.
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with
        {
            Model = EmulatedModel.Managed,
            TelemetrySchemas = ["2099-01-01"],
        });
        await sandbox.InvokeConcurrentlyAsync([new Invocation("00000001-0000-4000-8000-000000000000", [new TelemetryLine.Json("not shipped")])]);
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(["SHUTDOWN"], sandbox.RegisteredEvents);
        Assert.False(shutdown.Killed);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.Empty(loki.Pushes);
        Assert.Single(sandbox.Output, l => l.Contains("no subscription was accepted in the lambda-managed-instances model")
                                          && l.Contains("schema 2025-01-29") && l.Contains("logs are not shipped"));
    }

    [Fact]
    public async Task SnapStart_InitLinesOnceBeforeTheSnapshot_RestoreLines_NoDeadConnectionReused_NoInvocationHeld()
    {
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with
        {
            Model = EmulatedModel.SnapStart,
            InitLines = [$"{run} Spring context started", $"{run} caches warm"],
            IdleAfterInit = TimeSpan.FromSeconds(1.5),
        });
        int initPushes = loki.Pushes.Count; // before the first invocation: what the snapshot's init pushed
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 3; i++)
        {
            results.Add(await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order {i} loaded")])));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.False(shutdown.Killed);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.True(initPushes > 0, "the init lines were not pushed before the snapshot");
        Assert.Equal(0, sandbox.BytesOnStaleConnections); // no connection from before the snapshot was written to
        var entries = loki.Entries;
        Assert.Single(entries, e => e.Line == $"{run} Spring context started");
        Assert.Single(entries, e => e.Line == $"{run} caches warm");
        Assert.Single(entries, e => e.Line.StartsWith("INIT_START Runtime Version: ", StringComparison.Ordinal));
        Assert.Single(entries, e => e.Line.StartsWith("INIT_REPORT Init Duration: ", StringComparison.Ordinal) && e.Line.EndsWith("\tPhase: init\tStatus: success"));
        Assert.Single(entries, e => e.Line.StartsWith("RESTORE_START Runtime Version: nodejs:22.v40\tRuntime Version ARN: arn:", StringComparison.Ordinal));
        Assert.Single(entries, e => e.Line.StartsWith("RESTORE_REPORT Restore Duration: ", StringComparison.Ordinal));
        ReceivedEntry report = Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {results[0].RequestId}\t", StringComparison.Ordinal));
        Assert.Matches(@"\tRestore Duration: \d+\.\d\d ms\tBilled Restore Duration: \d+ ms", report.Line);
        Assert.NotNull(report.MetadataValue("restore_duration_ms"));
        Assert.NotNull(report.MetadataValue("billed_restore_duration_ms"));
        foreach (InvocationResult result in results)
        {
            Assert.Single(entries, e => e.Line.EndsWith($"{run} order {result.RequestId[..8].TrimStart('0')} loaded", StringComparison.Ordinal));
            // The flush budget (LOKI_FLUSH_TIMEOUT_MS, 1 s) bounds the hold even if a push met a dead connection: exactly
            // in the core's properties; here, under CI's emulated arm64 as well, only that nothing is held hostage.
            Assert.InRange(result.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs);
        }
        Assert.All(entries, e => Assert.Null(e.MetadataValue("log_stream"))); // SnapStart sets no log stream
        NothingSentTwice.Check(loki, sandbox);
        Assert.Contains(sandbox.Output, l => l.Contains("shutdown:") && l.Contains("unsent=0") && l.Contains("snapshot_records_again="));
    }

    [Fact]
    public async Task Provisioned_InitLinesArriveAtTheEndOfInit_NotWithTheFirstInvocationHoursLater()
    {
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with
        {
            Model = EmulatedModel.Provisioned,
            InitLines = [$"{run} connection pool ready"],
            IdleAfterInit = TimeSpan.FromSeconds(1.5),
        });
        InvocationResult first = await sandbox.InvokeAsync(new Invocation($"00000001-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} first order")]));
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(0, shutdown.ExitCode);
        var entries = loki.Entries;
        ReceivedEntry init = Assert.Single(entries, e => e.Line == $"{run} connection pool ready");
        Assert.True(init.ArrivedAt < first.InvokedAt, $"init line arrived at {init.ArrivedAt:O}, first invocation at {first.InvokedAt:O}");
        Assert.Equal("provisioned-concurrency", Assert.Single(entries, e => e.Line.StartsWith("INIT_START", StringComparison.Ordinal)).MetadataValue("initialization_type"));
        Assert.Single(entries, e => e.Line.EndsWith($"{run} first order", StringComparison.Ordinal));
        NothingSentTwice.Check(loki, sandbox);
    }

    [Fact]
    public async Task OnDemand_APlatformWithoutTheNewestSchema_GetsTheOlderOne()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with { TelemetrySchemas = ["2022-07-01", "2022-12-13"] });
        await sandbox.InvokeAsync(new Invocation("00000001-0000-4000-8000-000000000000", [new TelemetryLine.Text("after the fallback")]));
        await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal("2022-12-13", sandbox.Subscription?.SchemaVersion);
        Assert.Contains(sandbox.Output, l => l.Contains("subscribed to the Telemetry API (schema 2022-12-13) after the Telemetry API (schema 2025-01-29) refused"));
        Assert.Single(loki.Entries, e => e.Line.EndsWith("after the fallback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnDemand_APlatformWhoseSubscriptionsAre202Stubs_AsAwsRieClassic_HoldsNoInvocation_AndSaysWhyOnce()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with { StubbedTelemetry = true });
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 3; i++)
        {
            results.Add(await sandbox.InvokeAsync(new Invocation($"0000000{i}-0000-4000-8000-000000000000", [new TelemetryLine.Text("never delivered")])));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        // Before: every invocation held until 350 ms before its deadline, waiting for a runtimeDone that never came.
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, -1000, 100));
        string told = Assert.Single(sandbox.Output, l => l.Contains("no subscription was accepted", StringComparison.Ordinal));
        Assert.Contains("Telemetry.NotSupported", told);
        Assert.Contains("Logs.NotSupported", told);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.Empty(sandbox.ProtocolErrors);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition() && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}
