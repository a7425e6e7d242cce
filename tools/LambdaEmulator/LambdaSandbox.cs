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
public sealed class LambdaSandbox : IAsyncDisposable
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
        if (options.Model == EmulatedModel.SnapStart && options.Environment.TryGetValue("LOKI_PUSH_URL", out string? pushUrl)
            && SnapshotRelay.For(pushUrl) is var (relay, relayedUrl))
        {
            _relay = relay;
            options = options with { Environment = new Dictionary<string, string>(options.Environment) { ["LOKI_PUSH_URL"] = relayedUrl } };
        }
        _options = options;
        _telemetry = new TelemetryPlatform(() => _frozen, _protocolErrors);
        _api = ExtensionsApiServer.Start(options, _telemetry, _protocolErrors);
        _process = new ExtensionProcess(options, _api.RuntimeApi, OnOutput);
    }

    public string RuntimeApi => _api.RuntimeApi;

    public DateTimeOffset ProcessStartedAt => _process.StartedAt;
    public DateTimeOffset? RegisteredAt => _api.RegisteredAt;
    public DateTimeOffset? FirstNextAt => _api.FirstNextAt;
    public TimeSpan StartToFirstNext => (FirstNextAt ?? DateTimeOffset.UtcNow) - ProcessStartedAt;
    public TelemetrySubscription? Subscription => _telemetry.Subscription;

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

    public long PeakRssKb => _process.PeakRssKb;

    /// <summary>How the listener answered each raw body, in order (0: no answer).</summary>
    public IReadOnlyList<int> RawBodyStatuses { get { lock (_rawBodyStatuses) { return [.. _rawBodyStatuses]; } } }

    internal static readonly Lazy<Task> WarmedUp = new(WarmUpAsync);

    /// <summary>Starts the extension and waits for its init phase to end (its first <c>/event/next</c>).</summary>
    public static async Task<LambdaSandbox> StartAsync(SandboxOptions options)
    {
        await WarmedUp.Value;
        var sandbox = new LambdaSandbox(options);
        await sandbox.InitAsync();
        return sandbox;
    }

    /// <summary>Runs the emulator's own request path once (register, subscribe, next) and starts a trivial process, so
    /// that the timings of the first extension measure the extension, not the emulator's just-in-time compilation.</summary>
    private static async Task WarmUpAsync()
    {
        await using var sandbox = new LambdaSandbox(new SandboxOptions("/bin/true"));
        using var http = new HttpClient();
        string api = $"http://{sandbox.RuntimeApi}";
        using var register = new HttpRequestMessage(HttpMethod.Post, $"{api}/2020-01-01/extension/register")
        {
            Content = new StringContent("""{"events":["INVOKE","SHUTDOWN"]}"""),
        };
        register.Headers.Add("Lambda-Extension-Name", "true");
        using HttpResponseMessage registered = await http.SendAsync(register);
        string identifier = registered.Headers.GetValues("Lambda-Extension-Identifier").First();
        using var subscribe = new HttpRequestMessage(HttpMethod.Put, $"{api}/2022-07-01/telemetry")
        {
            Content = new StringContent("""{"schemaVersion":"2022-12-13","types":["platform"],"buffering":{"maxItems":1000,"maxBytes":262144,"timeoutMs":25},"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:1"}}"""),
        };
        subscribe.Headers.Add("Lambda-Extension-Identifier", identifier);
        (await http.SendAsync(subscribe)).Dispose();
        using var next = new HttpRequestMessage(HttpMethod.Get, $"{api}/2020-01-01/extension/event/next");
        next.Headers.Add("Lambda-Extension-Identifier", identifier);
        Task<HttpResponseMessage> answer = http.SendAsync(next);
        sandbox._api.RespondJson(await sandbox._api.NextCall, 200, """{"eventType":"SHUTDOWN","deadlineMs":0}""");
        (await answer).Dispose();
        using var trivial = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true, RedirectStandardError = true });
        await trivial!.WaitForExitAsync();
    }

    private string InitializationType => _options.Model switch
    {
        EmulatedModel.Provisioned => "provisioned-concurrency",
        EmulatedModel.SnapStart => "snap-start",
        EmulatedModel.Managed => "lambda-managed-instances",
        _ => "on-demand",
    };

    /// <summary>The runtime version fields of init and restore records.</summary>
    private string RuntimeVersion =>
        "\"runtimeVersion\":\"nodejs:22.v40\",\"runtimeVersionArn\":\"arn:aws:lambda:" + _options.Region +
        "::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9\"";

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
        await Task.Delay(50); // the runtime's after-restore hooks
        _telemetry.Emit("platform.restoreRuntimeDone", """{"status":"success"}""");
        _restoreMs = (DateTimeOffset.UtcNow - restoreStarted).TotalMilliseconds;
        _telemetry.Emit("platform.restoreReport", $$"""{"status":"success","metrics":{"durationMs":{{_restoreMs:F2}}{{End}}{{End}}""");
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

        _telemetry.Emit("platform.start", $$"""{"requestId":"{{rid}}","version":"{{_options.FunctionVersion}}"{{tracing}}{{End}}""");
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
            $$"""{"requestId":"{{rid}}","status":"{{status}}"{{error}},"metrics":{"durationMs":{{durationMs:F2}},"billedDurationMs":{{billed}},"memorySizeMB":{{_options.MemorySizeMb}},"maxMemoryUsedMB":{{Math.Max(1, _process.PeakRssKb / 1024)}}{{init}}{{End}}{{tracing}}{{End}}""");
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

    /// <summary>Sends SHUTDOWN and waits for the process to exit; SIGKILLs it at the deadline, as Lambda does.</summary>
    public async Task<ShutdownResult> ShutdownAsync(string reason = "spindown")
    {
        HttpListenerContext? next = null;
        Task<HttpListenerContext> nextCall = _api.NextCall;
        if (await Task.WhenAny(nextCall, Task.Delay(TimeSpan.FromSeconds(5))) == nextCall)
        {
            next = nextCall.Result;
        }
        Thaw();
        _process.SampleStats();
        DateTimeOffset started = DateTimeOffset.UtcNow;
        long deadlineMs = started.Add(_options.ShutdownDeadline).ToUnixTimeMilliseconds();
        if (next is not null)
        {
            _api.RespondJson(next, 200, $$"""{"eventType":"SHUTDOWN","shutdownReason":"{{reason}}","deadlineMs":{{deadlineMs}}}""");
        }
        bool killed = false;
        using (var deadline = new CancellationTokenSource(_options.ShutdownDeadline))
        {
            while (!_process.HasExited && !deadline.IsCancellationRequested)
            {
                _process.SampleStats();
                await Task.Delay(5);
            }
        }
        if (!_process.HasExited)
        {
            killed = true;
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        TimeSpan duration = DateTimeOffset.UtcNow - started;
        return new ShutdownResult(killed ? null : _process.ExitCode, killed, duration, _process.PeakRssKb, _process.CpuTime);
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
                    $$"""{"timestamp":"{{now}}","level":"{{json.Level}}","requestId":"{{requestId}}","message":{{TelemetryPlatform.JsonString(json.Message)}}}""", at);
                break;
            case TelemetryLine.Raw raw:
                _telemetry.Emit(raw.Type, raw.RecordJson, raw.At ?? at);
                break;
        }
    }

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
