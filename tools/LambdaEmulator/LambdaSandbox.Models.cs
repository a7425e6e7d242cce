namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>What the execution models other than on-demand add to the invocation script (see <see cref="EmulatedModel"/>):
/// the runtime's init beside the extension's, the SnapStart snapshot and restore, Managed Instances' concurrent
/// invocations.</summary>
public sealed partial class LambdaSandbox
{
    private string InitializationType => _options.Model.InitializationType();

    /// <summary>The runtime version fields of init and restore records.</summary>
    private string RuntimeVersion =>
        "\"runtimeVersion\":\"nodejs:22.v40\",\"runtimeVersionArn\":\"arn:aws:lambda:" + _options.Region +
        "::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9\"";

    /// <summary>The runtime's init: its lines, then platform.initRuntimeDone.</summary>
    private async Task RuntimeInitAsync(TimeSpan duration)
    {
        await Task.Delay(duration);
        foreach (string line in _options.InitLines)
        {
            string now = TelemetryPlatform.Iso(DateTimeOffset.UtcNow);
            EmitInit("function", _options.Model == EmulatedModel.Managed
                ? $$"""{"timestamp":"{{now}}","level":"INFO","message":{{TelemetryPlatform.JsonString(line)}}}"""
                : TelemetryPlatform.JsonString(line + "\n"));
        }
        EmitInit("platform.initRuntimeDone", $$"""{"initializationType":"{{InitializationType}}","phase":"init","status":"success"}""");
    }

    private void EmitInit(string type, string json) => _initRecords.Add((type, json, _telemetry.Emit(type, json)));

    /// <summary>SnapStart: the snapshot (the process frozen, its connections to Loki dead), then, later, a restore: the
    /// restore records, and the snapshot's init records delivered again, as restored clones have been seen to get them.</summary>
    private async Task SnapshotAndRestoreAsync()
    {
        await Task.Delay(200); // what the platform delivered by now is in the snapshot
        _api.Role.Block();
        Freeze();
        _relay?.Snapshot();
        await Task.Delay(_options.IdleAfterInit);
        DateTimeOffset restoreStarted = DateTimeOffset.UtcNow;
        Thaw();
        _telemetry.Emit("platform.restoreStart", $$"""{{{RuntimeVersion}}}""");
        foreach (var (type, json, at) in _initRecords)
        {
            _telemetry.Emit(type, json, at);
        }
        _api.Role.Restored();
        await Task.Delay(50); // the runtime's after-restore hooks
        _telemetry.Emit("platform.restoreRuntimeDone", """{"status":"success"}""");
        _restoreMs = (DateTimeOffset.UtcNow - restoreStarted).TotalMilliseconds;
        _telemetry.Emit("platform.restoreReport", $$"""{"status":"success","metrics":{"durationMs":{{_restoreMs:F2}}{{End}}{{End}}""");
    }

    /// <summary>Managed Instances: plays <paramref name="invocations"/> at once in the never-frozen environment, with no
    /// INVOKE event: their platform.start records, their JSON records interleaved one request after the other, then
    /// platform.runtimeDone for every other one only (nothing may depend on it there), then a report for each.</summary>
    public async Task InvokeConcurrentlyAsync(IReadOnlyList<Invocation> invocations)
    {
        if (_options.Model != EmulatedModel.Managed)
        {
            throw new InvalidOperationException("only Managed Instances run invocations concurrently");
        }
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        foreach (Invocation invocation in invocations)
        {
            _telemetry.Emit("platform.start", $$"""{"requestId":"{{invocation.RequestId}}","version":"{{_options.FunctionVersion}}"}""");
        }
        int longest = invocations.Max(i => i.Lines.Count);
        for (int k = 0; k < longest; k++)
        {
            foreach (Invocation invocation in invocations.Where(i => k < i.Lines.Count))
            {
                EmitLine(invocation.RequestId, invocation.Lines[k] is TelemetryLine.Text text ? new TelemetryLine.Json(text.Message, text.Level) : invocation.Lines[k]);
            }
        }
        await Task.Delay(Math.Max(0, invocations.Max(i => i.RuntimeDurationMs) - (int)(DateTimeOffset.UtcNow - startedAt).TotalMilliseconds));
        double durationMs = (DateTimeOffset.UtcNow - startedAt).TotalMilliseconds;
        for (int i = 0; i < invocations.Count; i++)
        {
            if (i % 2 == 0)
            {
                _telemetry.Emit("platform.runtimeDone",
                    $$"""{"requestId":"{{invocations[i].RequestId}}","status":"success","metrics":{"durationMs":{{durationMs:F2}},"producedBytes":0}{{End}}""");
            }
        }
        _process.SampleStats();
        foreach (Invocation invocation in invocations)
        {
            _telemetry.Emit("platform.report",
                $$"""{"requestId":"{{invocation.RequestId}}","status":"success","metrics":{"durationMs":{{durationMs:F2}},"billedDurationMs":{{Math.Ceiling(durationMs)}},"memorySizeMB":{{_options.MemorySizeMb}},"maxMemoryUsedMB":{{Math.Max(1, _process.PeakRssKb / 1024)}}{{End}}{{End}}""");
        }
    }

}
