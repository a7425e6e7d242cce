using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>An emulated Lambda execution environment around one real extension binary: the invocation script. It
/// serves the Extensions API through <see cref="ExtensionsApiServer"/>, delivers telemetry through
/// <see cref="TelemetryPlatform"/>, controls the process through <see cref="ExtensionProcess"/>, and plays
/// invocations (INVOKE, platform.start, function records, platform.runtimeDone, and platform.report only once the
/// extension is back in /event/next), freezes the process between invocations with SIGSTOP, and SIGKILLs it at the
/// SHUTDOWN deadline. Everything a test needs to judge the extension is recorded.
/// Each execution model is played as Lambda plays it (<see cref="EmulatedModel"/>): provisioned concurrency freezes
/// the initialized environment long before its first invocation; SnapStart snapshots it (frozen, every connection to
/// Loki silenced by a <see cref="SnapshotRelay"/>), restores it with its restore records and the snapshot's init
/// records delivered again, and sets no log stream; Managed Instances refuse INVOKE registration and all but the
/// newest schema, never freeze, and run invocations concurrently (<see cref="InvokeConcurrentlyAsync"/>).</summary>
public sealed partial class LambdaSandbox : IAsyncDisposable
{
    private const string End = "}"; // closes a JSON object after an interpolation, where a raw literal cannot
    private readonly SandboxOptions _options;
    private readonly ExtensionsApiServer _api;
    private readonly TelemetryPlatform _telemetry;
    private readonly ExtensionProcess _process;
    private readonly List<string> _protocolErrors = [];
    private readonly List<int> _rawBodyStatuses = [];
    private volatile bool _frozen;
    private bool _coldStart = true;
    private DateTimeOffset _initStartedAt;
    private readonly SnapshotRelay? _relay;
    /// <summary>The init phase's platform and function records: a restored clone gets them again.</summary>
    private readonly List<(string Type, string Json, DateTimeOffset At)> _initRecords = [];
    private double? _restoreMs;

    private LambdaSandbox(SandboxOptions options)
    {
        if (options.TenantId is not null && options.Model != EmulatedModel.OnDemand)
        {
            // Lambda refuses tenant isolation with SnapStart and provisioned concurrency; Managed Instances are not played with it.
            throw new ArgumentException($"tenant isolation is played on-demand only, not {options.Model}", nameof(options));
        }
        if (options.Model == EmulatedModel.SnapStart && options.Environment.TryGetValue("LOKI_PUSH_URL", out string? pushUrl)
            && SnapshotRelay.For(pushUrl) is var (relay, relayedUrl))
        {
            _relay = relay;
            options = options with { Environment = new Dictionary<string, string>(options.Environment) { ["LOKI_PUSH_URL"] = relayedUrl } };
        }
        _options = options;
        _telemetry = new TelemetryPlatform(() => _frozen, _protocolErrors);
        _api = ExtensionsApiServer.Start(options, _telemetry, _protocolErrors);
        _process = new ExtensionProcess(options, _api.RuntimeApi, _api.Role, OnOutput);
        _api.FirstNextArrived = () => CpuAtFirstNext = _process.CpuNow();
    }

    public string RuntimeApi => _api.RuntimeApi;

    public DateTimeOffset ProcessStartedAt => _process.StartedAt;
    public DateTimeOffset? RegisteredAt => _api.RegisteredAt;
    public DateTimeOffset? FirstNextAt => _api.FirstNextAt;
    public TimeSpan StartToFirstNext => (FirstNextAt ?? DateTimeOffset.UtcNow) - ProcessStartedAt;
    public TelemetrySubscription? Subscription => _telemetry.Subscription;

    /// <summary>The CPU the extension used from exec to its first <c>/event/next</c> (see <see cref="SandboxOptions.CpuMeter"/>).</summary>
    public TimeSpan? CpuAtFirstNext { get; private set; }

    /// <summary>The CPU the extension has used so far (all threads).</summary>
    public TimeSpan CpuNow() => _process.CpuNow();

    /// <summary>The context switches of the extension's threads so far.</summary>
    public long ContextSwitchesNow() => _process.ContextSwitchesNow();

    /// <summary>The extension's minor page faults so far.</summary>
    public long PageFaultsNow() => _process.PageFaultsNow();

    /// <summary>The next <paramref name="count"/> telemetry deliveries lose their answer (the connection is cut as it
    /// begins), so the platform delivers each again.</summary>
    public void DropTelemetryAnswers(int count) => _telemetry.DropAnswers(count);
    public IReadOnlyList<string> ErrorReports => _api.ErrorReports;

    /// <summary>The events the extension registered for.</summary>
    public IReadOnlyList<string> RegisteredEvents => _api.RegisteredEvents;

    /// <summary>SnapStart: bytes the extension wrote, after the restore, on connections to Loki opened before the
    /// snapshot (which nothing answers any more).</summary>
    public long BytesOnStaleConnections => _relay?.BytesOnStaleConnections ?? 0;

    /// <summary>Calls that broke the Extensions or Telemetry API contract (wrong identifier, bad body, ...).</summary>
    public IReadOnlyList<string> ProtocolErrors { get { lock (_protocolErrors) { return [.. _protocolErrors]; } } }

    public IReadOnlyList<string> Output => _process.Output;

    /// <summary>The access keys of the function role handed to the extension, in order (environment or endpoint).</summary>
    public IReadOnlyList<string> CredentialsHanded => _api.Role.Handed();

    /// <summary>How many times the container credentials endpoint answered (SnapStart).</summary>
    public int CredentialsAnswers => _api.Role.Answers;

    public long PeakRssKb => _process.PeakRssKb;

    /// <summary>How the listener answered each raw body, in order (0: no answer).</summary>
    public IReadOnlyList<int> RawBodyStatuses { get { lock (_rawBodyStatuses) { return [.. _rawBodyStatuses]; } } }

    private async Task InitAsync()
    {
        _initStartedAt = DateTimeOffset.UtcNow;
        EmitInit("platform.initStart",
            $$"""{"initializationType":"{{InitializationType}}","phase":"init",{{RuntimeVersion}},"functionName":"{{_options.FunctionName}}","functionVersion":"{{_options.FunctionVersion}}"}""");
        _process.Start();
        // Outside on-demand, the runtime initializes beside the extension, and its init may end first.
        Task runtimeInit = _options.Model == EmulatedModel.OnDemand ? Task.CompletedTask : RuntimeInitAsync(_options.RuntimeInit);

        Task first = await Task.WhenAny(_api.NextCall, _process.WaitForExitAsync(), Task.Delay(_options.InitTimeout));
        if (first != _api.NextCall)
        {
            string why = _process.HasExited ? $"exited with code {_process.ExitCode} during init" : "did not reach /event/next within the init timeout";
            throw new InvalidOperationException($"the extension {why}. Error reports: [{string.Join("; ", ErrorReports)}]. " +
                                                $"Protocol errors: [{string.Join("; ", ProtocolErrors)}]. Output:\n{string.Join("\n", Output)}");
        }
        await (_options.Model == EmulatedModel.OnDemand ? RuntimeInitAsync(TimeSpan.Zero) : runtimeInit);
        double initMs = (DateTimeOffset.UtcNow - _initStartedAt).TotalMilliseconds;
        EmitInit("platform.initReport",
            $$"""{"initializationType":"{{InitializationType}}","phase":"init","status":"success","metrics":{"durationMs":{{initMs:F2}}{{End}}{{End}}""");
        _process.SampleStats();
        switch (_options.Model)
        {
            case EmulatedModel.Managed:
                break; // never frozen
            case EmulatedModel.SnapStart:
                await SnapshotAndRestoreAsync();
                break;
            case EmulatedModel.Provisioned:
                Freeze(); // initialized, and frozen until the first invocation comes, however long that takes
                await Task.Delay(_options.IdleAfterInit);
                break;
            default:
                if (_options.FreezeBetweenInvocations)
                {
                    Freeze();
                }
                break;
        }
    }

    /// <summary>Plays one invocation and returns once the sandbox is frozen again.</summary>
    public async Task<InvocationResult> InvokeAsync(Invocation invocation)
    {
        if (_options.Model == EmulatedModel.Managed)
        {
            throw new InvalidOperationException("Managed Instances send no INVOKE: play invocations with InvokeConcurrentlyAsync");
        }
        HttpListenerContext next = await WaitForNextCallAsync(TimeSpan.FromSeconds(30));
        Thaw();
        DateTimeOffset invokedAt = DateTimeOffset.UtcNow;
        long deadlineMs = invokedAt.ToUnixTimeMilliseconds() + invocation.TimeoutMs;
        string rid = invocation.RequestId;
        string tracing = invocation.TraceHeader is { } trace ? $$""","tracing":{"type":"X-Amzn-Trace-Id","value":"{{trace}}"}""" : "";
        _api.RespondJson(next, 200, $$"""{"eventType":"INVOKE","deadlineMs":{{deadlineMs}},"requestId":"{{rid}}","invokedFunctionArn":"arn:aws:lambda:{{_options.Region}}:123456789012:function:{{_options.FunctionName}}"{{tracing}}{{End}}""");

        _telemetry.Emit("platform.start", $$"""{"requestId":"{{rid}}","version":"{{_options.FunctionVersion}}"{{TenantField}}{{tracing}}{{End}}""");
        foreach (TelemetryLine line in invocation.Lines)
        {
            EmitLine(rid, line);
        }
        foreach (byte[] raw in invocation.RawBodies)
        {
            int answer = await _telemetry.PostRawAsync(raw);
            lock (_rawBodyStatuses)
            {
                _rawBodyStatuses.Add(answer);
            }
        }
        int runtimeMs = invocation.Outcome == InvocationOutcome.Timeout ? invocation.TimeoutMs : invocation.RuntimeDurationMs;
        await Task.Delay(Math.Max(0, runtimeMs - (int)(DateTimeOffset.UtcNow - invokedAt).TotalMilliseconds));
        string status = invocation.Outcome switch
        {
            InvocationOutcome.Error => "error",
            InvocationOutcome.Timeout => "timeout",
            _ => "success",
        };
        double durationMs = (DateTimeOffset.UtcNow - invokedAt).TotalMilliseconds;
        // The Logs API (2020-08-15) ends an invocation with platform.end; the Telemetry API with platform.runtimeDone.
        DateTimeOffset runtimeDoneAt = _telemetry.Subscription?.Api == "logs"
            ? _telemetry.Emit("platform.end", $$"""{"requestId":"{{rid}}"}""")
            : _telemetry.Emit("platform.runtimeDone",
            $$"""{"requestId":"{{rid}}","status":"{{status}}","metrics":{"durationMs":{{durationMs:F2}},"producedBytes":0}{{tracing}}{{End}}""");

        // The extension may hold the invocation after the runtime is done, but not past the function's deadline
        // (plus a grace that lets a test see an overrun rather than a hang).
        DateTimeOffset? readyAt = null;
        Task<HttpListenerContext> nextCall = _api.NextCall;
        TimeSpan allowed = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (await Task.WhenAny(nextCall, Task.Delay(allowed > TimeSpan.Zero ? allowed : TimeSpan.Zero)) == nextCall)
        {
            readyAt = DateTimeOffset.UtcNow;
        }
        else
        {
            _api.AddProtocolError($"invocation {rid}: the extension did not call /event/next before the deadline");
        }
        double billed = Math.Ceiling((readyAt ?? DateTimeOffset.UtcNow).Subtract(invokedAt).TotalMilliseconds);
        _process.SampleStats();
        // A restored clone's first REPORT carries its restore; provisioned concurrency's carries no init (it was long ago).
        string init = !_coldStart || _options.Model == EmulatedModel.Provisioned ? ""
            : _restoreMs is { } restoreMs ? $$""","restoreDurationMs":{{restoreMs:F2}},"billedRestoreDurationMs":{{Math.Ceiling(restoreMs)}}"""
            : $$""","initDurationMs":{{(FirstNextAt!.Value - _initStartedAt).TotalMilliseconds:F2}}""";
        string error = invocation.Outcome == InvocationOutcome.Timeout ? "," + "\"errorType\":\"Sandbox.Timedout\"" : "";
        _telemetry.Emit("platform.report",
            $$"""{"requestId":"{{rid}}","status":"{{status}}"{{error}},"metrics":{"durationMs":{{durationMs:F2}},"billedDurationMs":{{billed}},"memorySizeMB":{{_options.MemorySizeMb}},"maxMemoryUsedMB":{{Math.Max(1, _process.PeakRssKb / 1024)}}{{init}}{{End}}{{TenantField}}{{tracing}}{{End}}""");
        _coldStart = false;
        DateTimeOffset frozenAt = DateTimeOffset.UtcNow;
        if (_options.FreezeBetweenInvocations && readyAt is not null)
        {
            Freeze();
        }
        DateTimeOffset? delivered = _telemetry.LastDelivered(_telemetry.Subscription?.Api == "logs" ? "platform.end" : "platform.runtimeDone");
        return new InvocationResult(rid, invokedAt, runtimeDoneAt, readyAt, frozenAt,
            delivered >= runtimeDoneAt && delivered <= readyAt ? delivered : null);
    }

    private void EmitLine(string requestId, TelemetryLine line)
    {
        // The record's time and the time printed in the line are the same instant, as with a real runtime.
        var at = DateTimeOffset.UtcNow;
        string now = TelemetryPlatform.Iso(at);
        switch (line)
        {
            case TelemetryLine.Text text:
                _telemetry.Emit("function", TelemetryPlatform.JsonString($"{now}\t{requestId}\t{text.Level}\t{text.Message}\n"), at);
                break;
            case TelemetryLine.Json json:
                _telemetry.Emit("function",
                    $$"""{"timestamp":"{{now}}","level":"{{json.Level}}","requestId":"{{requestId}}"{{TenantField}},"message":{{TelemetryPlatform.JsonString(json.Message)}}}""", at);
                break;
            case TelemetryLine.Raw raw:
                _telemetry.Emit(raw.Type, raw.RecordJson, raw.At ?? at);
                break;
        }
    }

    /// <summary>Tenant isolation: Lambda names the environment's tenant in platform.start, platform.report and the
    /// function's JSON lines (tenant-isolation-monitor.html).</summary>
    private string TenantField => _options.TenantId is { } tenant ? $",\"tenantId\":{TelemetryPlatform.JsonString(tenant)}" : "";

    private async Task<HttpListenerContext> WaitForNextCallAsync(TimeSpan timeout)
    {
        Task<HttpListenerContext> call = _api.NextCall;
        if (await Task.WhenAny(call, Task.Delay(timeout)) != call)
        {
            throw new InvalidOperationException($"the extension is not waiting in /event/next. Output:\n{string.Join("\n", Output)}");
        }
        return call.Result;
    }

    private void Freeze()
    {
        _frozen = true;
        _process.Freeze();
    }

    private void Thaw()
    {
        _process.Thaw();
        _frozen = false;
        _telemetry.Nudge();
    }

    private void OnOutput(string line)
    {
        if (line.Contains("after an unexpected error", StringComparison.Ordinal))
        {
            // A bug of the extension (its core or shell threw): no test expects one, so every test that checks the
            // protocol errors fails on it.
            _api.AddProtocolError($"the extension hit an unexpected error: {line}");
        }
        // Lambda delivers what extensions print as "extension" records to subscribers of that type: this one too.
        _telemetry.Emit("extension", TelemetryPlatform.JsonString(line + "\n"));
        _options.OnOutput?.Invoke(line);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        if (_process.HasStarted)
        {
            await _process.WaitForExitAsync();
        }
        await _api.DisposeAsync();
        await _telemetry.DisposeAsync();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
        _process.Dispose();
    }
}
