using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Tools.Emulator;

/// <summary>An emulated Lambda execution environment around one real extension binary. It serves the Extensions API
/// (register, event/next, init/exit error, identifier checks) and the Telemetry/Logs API subscriptions, plays
/// invocations (INVOKE, platform.start, function records, platform.runtimeDone, and platform.report only once the
/// extension is back in /event/next), freezes the process between invocations with SIGSTOP, and SIGKILLs it at the
/// SHUTDOWN deadline. Everything a test needs to judge the extension is recorded.</summary>
public sealed class LambdaSandbox : IAsyncDisposable
{
    private const string End = "}"; // closes a JSON object after an interpolation, where a raw literal cannot
    private readonly SandboxOptions _options;
    private readonly HttpListener _api;
    private readonly TelemetryPlatform _telemetry;
    private readonly List<string> _protocolErrors = [];
    private readonly List<int> _rawBodyStatuses = [];
    private readonly List<(DateTimeOffset At, string Line)> _output = [];
    private readonly Process _process;
    private readonly string _identifier = Guid.NewGuid().ToString();
    private readonly string _extensionName;
    private readonly Task _serving;
    private TaskCompletionSource<HttpListenerContext> _nextCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _frozen;
    private bool _errorReported;
    private long _peakRssKb;
    private TimeSpan _cpuTime;
    private bool _coldStart = true;
    private DateTimeOffset _initStartedAt;

    private LambdaSandbox(SandboxOptions options, HttpListener api, int port)
    {
        _options = options;
        _api = api;
        RuntimeApi = $"127.0.0.1:{port}";
        _extensionName = Path.GetFileName(options.ExtensionPath);
        _telemetry = new TelemetryPlatform(() => _frozen, _protocolErrors);
        _process = new Process { StartInfo = StartInfo(options, RuntimeApi) };
        _serving = Task.Run(ServeAsync);
    }

    public string RuntimeApi { get; }

    public DateTimeOffset ProcessStartedAt { get; private set; }
    public DateTimeOffset? RegisteredAt { get; private set; }
    public DateTimeOffset? FirstNextAt { get; private set; }
    public TimeSpan StartToFirstNext => (FirstNextAt ?? DateTimeOffset.UtcNow) - ProcessStartedAt;
    public TelemetrySubscription? Subscription => _telemetry.Subscription;

    /// <summary>The next <paramref name="count"/> telemetry deliveries lose their answer (the connection is cut as it
    /// begins), so the platform delivers each again.</summary>
    public void DropTelemetryAnswers(int count) => _telemetry.DropAnswers(count);
    public IReadOnlyList<string> ErrorReports { get; private set; } = [];

    /// <summary>Calls that broke the Extensions or Telemetry API contract (wrong identifier, bad body, ...).</summary>
    public IReadOnlyList<string> ProtocolErrors { get { lock (_protocolErrors) { return [.. _protocolErrors]; } } }

    public IReadOnlyList<string> Output { get { lock (_output) { return [.. _output.Select(o => o.Line)]; } } }

    public long PeakRssKb => _peakRssKb;

    /// <summary>How the listener answered each raw body, in order (0: no answer).</summary>
    public IReadOnlyList<int> RawBodyStatuses { get { lock (_rawBodyStatuses) { return [.. _rawBodyStatuses]; } } }

    private static readonly Lazy<Task> WarmedUp = new(WarmUpAsync);

    /// <summary>Starts the extension and waits for its init phase to end (its first <c>/event/next</c>).</summary>
    public static async Task<LambdaSandbox> StartAsync(SandboxOptions options)
    {
        await WarmedUp.Value;
        LambdaSandbox sandbox = await CreateAsync(options);
        await sandbox.InitAsync();
        return sandbox;
    }

    /// <summary>Runs the emulator's own request path once (register, subscribe, next) and starts a trivial process, so
    /// that the timings of the first extension measure the extension, not the emulator's just-in-time compilation.</summary>
    private static async Task WarmUpAsync()
    {
        await using LambdaSandbox sandbox = await CreateAsync(new SandboxOptions("/bin/true"));
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
        sandbox.RespondJson(await sandbox._nextCall.Task, 200, """{"eventType":"SHUTDOWN","deadlineMs":0}""");
        (await answer).Dispose();
        using var trivial = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true, RedirectStandardError = true });
        await trivial!.WaitForExitAsync();
    }

    /// <summary>Binds the API on a free loopback port; the process is not started yet.</summary>
    private static Task<LambdaSandbox> CreateAsync(SandboxOptions options)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            var api = new HttpListener();
            api.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                api.Start();
                return Task.FromResult(new LambdaSandbox(options, api, port));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                api.Close();
            }
        }
    }

    private async Task InitAsync()
    {
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _initStartedAt = DateTimeOffset.UtcNow;
        _telemetry.Emit("platform.initStart",
            $$"""{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.v40","runtimeVersionArn":"arn:aws:lambda:{{_options.Region}}::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9","functionName":"{{_options.FunctionName}}","functionVersion":"{{_options.FunctionVersion}}"}""");
        ProcessStartedAt = DateTimeOffset.UtcNow;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Task first = await Task.WhenAny(_nextCall.Task, _process.WaitForExitAsync(), Task.Delay(_options.InitTimeout));
        if (first != _nextCall.Task)
        {
            string why = _process.HasExited ? $"exited with code {_process.ExitCode} during init" : "did not reach /event/next within the init timeout";
            throw new InvalidOperationException($"the extension {why}. Error reports: [{string.Join("; ", ErrorReports)}]. " +
                                                $"Output:\n{string.Join("\n", Output)}");
        }
        FirstNextAt ??= DateTimeOffset.UtcNow;
        _telemetry.Emit("platform.initRuntimeDone", """{"initializationType":"on-demand","phase":"init","status":"success"}""");
        double initMs = (DateTimeOffset.UtcNow - _initStartedAt).TotalMilliseconds;
        _telemetry.Emit("platform.initReport",
            $$"""{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":{{initMs:F2}}{{End}}{{End}}""");
        SampleStats();
        if (_options.FreezeBetweenInvocations)
        {
            Freeze();
        }
    }

    /// <summary>Plays one invocation and returns once the sandbox is frozen again.</summary>
    public async Task<InvocationResult> InvokeAsync(Invocation invocation)
    {
        HttpListenerContext next = await WaitForNextCallAsync(TimeSpan.FromSeconds(30));
        Thaw();
        DateTimeOffset invokedAt = DateTimeOffset.UtcNow;
        long deadlineMs = invokedAt.ToUnixTimeMilliseconds() + invocation.TimeoutMs;
        string rid = invocation.RequestId;
        string tracing = invocation.TraceHeader is { } trace ? $$""","tracing":{"type":"X-Amzn-Trace-Id","value":"{{trace}}"}""" : "";
        RespondJson(next, 200, $$"""{"eventType":"INVOKE","deadlineMs":{{deadlineMs}},"requestId":"{{rid}}","invokedFunctionArn":"arn:aws:lambda:{{_options.Region}}:123456789012:function:{{_options.FunctionName}}"{{tracing}}{{End}}""");

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
        Task<HttpListenerContext> nextCall = _nextCall.Task;
        TimeSpan allowed = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (await Task.WhenAny(nextCall, Task.Delay(allowed > TimeSpan.Zero ? allowed : TimeSpan.Zero)) == nextCall)
        {
            readyAt = DateTimeOffset.UtcNow;
        }
        else
        {
            AddProtocolError($"invocation {rid}: the extension did not call /event/next before the deadline");
        }
        double billed = Math.Ceiling((readyAt ?? DateTimeOffset.UtcNow).Subtract(invokedAt).TotalMilliseconds);
        SampleStats();
        string init = _coldStart ? $$""","initDurationMs":{{(FirstNextAt!.Value - _initStartedAt).TotalMilliseconds:F2}}""" : "";
        string error = invocation.Outcome == InvocationOutcome.Timeout ? "," + "\"errorType\":\"Sandbox.Timedout\"" : "";
        _telemetry.Emit("platform.report",
            $$"""{"requestId":"{{rid}}","status":"{{status}}"{{error}},"metrics":{"durationMs":{{durationMs:F2}},"billedDurationMs":{{billed}},"memorySizeMB":{{_options.MemorySizeMb}},"maxMemoryUsedMB":{{Math.Max(1, _peakRssKb / 1024)}}{{init}}{{End}}{{tracing}}{{End}}""");
        _coldStart = false;
        DateTimeOffset frozenAt = DateTimeOffset.UtcNow;
        if (_options.FreezeBetweenInvocations && readyAt is not null)
        {
            Freeze();
        }
        return new InvocationResult(rid, invokedAt, runtimeDoneAt, readyAt, frozenAt);
    }

    /// <summary>Sends SHUTDOWN and waits for the process to exit; SIGKILLs it at the deadline, as Lambda does.</summary>
    public async Task<ShutdownResult> ShutdownAsync(string reason = "spindown")
    {
        HttpListenerContext? next = null;
        Task<HttpListenerContext> nextCall = _nextCall.Task;
        if (await Task.WhenAny(nextCall, Task.Delay(TimeSpan.FromSeconds(5))) == nextCall)
        {
            next = nextCall.Result;
        }
        Thaw();
        SampleStats();
        DateTimeOffset started = DateTimeOffset.UtcNow;
        long deadlineMs = started.Add(_options.ShutdownDeadline).ToUnixTimeMilliseconds();
        if (next is not null)
        {
            RespondJson(next, 200, $$"""{"eventType":"SHUTDOWN","shutdownReason":"{{reason}}","deadlineMs":{{deadlineMs}}}""");
        }
        bool killed = false;
        using (var deadline = new CancellationTokenSource(_options.ShutdownDeadline))
        {
            while (!_process.HasExited && !deadline.IsCancellationRequested)
            {
                SampleStats();
                await Task.Delay(5);
            }
        }
        if (!_process.HasExited)
        {
            killed = true;
            Signals.KillNow(_process.Id);
        }
        await _process.WaitForExitAsync();
        TimeSpan duration = DateTimeOffset.UtcNow - started;
        return new ShutdownResult(killed ? null : _process.ExitCode, killed, duration, _peakRssKb, _cpuTime);
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
        Task<HttpListenerContext> call = _nextCall.Task;
        if (await Task.WhenAny(call, Task.Delay(timeout)) != call)
        {
            throw new InvalidOperationException($"the extension is not waiting in /event/next. Output:\n{string.Join("\n", Output)}");
        }
        return call.Result;
    }

    private void Freeze()
    {
        _frozen = true;
        if (!_process.HasExited)
        {
            Signals.Freeze(_process.Id);
        }
    }

    private void Thaw()
    {
        if (!_process.HasExited)
        {
            Signals.Thaw(_process.Id);
        }
        _frozen = false;
        _telemetry.Nudge();
    }

    private void SampleStats()
    {
        if (_process.HasExited)
        {
            return;
        }
        _peakRssKb = Math.Max(_peakRssKb, ProcessStats.PeakRssKb(_process.Id));
        TimeSpan cpu = ProcessStats.CpuTime(_process.Id);
        _cpuTime = cpu > _cpuTime ? cpu : _cpuTime;
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _api.GetContextAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        string path = request.Url!.AbsolutePath;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }
        try
        {
            switch (request.HttpMethod, path)
            {
                case ("POST", "/2020-01-01/extension/register"):
                    Register(context, body);
                    return;
                case ("GET", "/2020-01-01/extension/event/next"):
                    if (CheckIdentifier(context, "event/next"))
                    {
                        if (_errorReported)
                        {
                            Refuse(context, 403, "Extension.Forbidden", "an error was reported; no further calls succeed");
                            return;
                        }
                        FirstNextAt ??= DateTimeOffset.UtcNow;
                        if (!_nextCall.TrySetResult(context))
                        {
                            Refuse(context, 403, "Extension.InvalidState", "another /event/next is already waiting");
                        }
                    }
                    return;
                case ("PUT", "/2022-07-01/telemetry") when !_options.TelemetryApiAvailable:
                    Refuse(context, 404, "Telemetry.NotSupported", "the Telemetry API is not available here");
                    return;
                case ("PUT", "/2022-07-01/telemetry"):
                    Subscribe(context, "telemetry", body);
                    return;
                case ("PUT", "/2020-08-15/logs"):
                    Subscribe(context, "logs", body);
                    return;
                case ("POST", "/2020-01-01/extension/init/error" or "/2020-01-01/extension/exit/error"):
                    if (CheckIdentifier(context, path))
                    {
                        _errorReported = true;
                        ErrorReports = [.. ErrorReports, $"{path}: {request.Headers["Lambda-Extension-Function-Error-Type"]} {body}"];
                        RespondJson(context, 202, """{"status":"OK"}""");
                    }
                    return;
                default:
                    AddProtocolError($"unknown call {request.HttpMethod} {path}");
                    Refuse(context, 404, "InvalidRequest", $"no such API: {request.HttpMethod} {path}");
                    return;
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private void Register(HttpListenerContext context, string body)
    {
        string? name = context.Request.Headers["Lambda-Extension-Name"];
        if (name != _extensionName)
        {
            AddProtocolError($"register: Lambda-Extension-Name '{name}' is not the executable's file name '{_extensionName}'");
            Refuse(context, 403, "Extension.InvalidName", "Lambda-Extension-Name must be the executable's file name");
            return;
        }
        string[] events;
        try
        {
            events = JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            AddProtocolError($"register: body is not {{\"events\":[...]}}: {body}");
            Refuse(context, 400, "InvalidRequest", "body must be {\"events\":[...]}");
            return;
        }
        if (events.Any(e => e is not ("INVOKE" or "SHUTDOWN")) || !events.Contains("SHUTDOWN"))
        {
            AddProtocolError($"register: events [{string.Join(",", events)}]");
        }
        RegisteredAt = DateTimeOffset.UtcNow;
        context.Response.Headers["Lambda-Extension-Identifier"] = _identifier;
        RespondJson(context, 200, $$"""{"functionName":"{{_options.FunctionName}}","functionVersion":"{{_options.FunctionVersion}}","handler":"index.handler"}""");
    }

    private void Subscribe(HttpListenerContext context, string api, string body)
    {
        if (!CheckIdentifier(context, api))
        {
            return;
        }
        var (subscription, error) = TelemetrySubscription.Parse(api, body);
        if (subscription is null)
        {
            AddProtocolError($"{api} subscription refused: {error}");
            Refuse(context, 400, "ValidationError", error!);
            return;
        }
        _telemetry.Subscribe(subscription);
        RespondJson(context, 200, "\"OK\"");
    }

    private bool CheckIdentifier(HttpListenerContext context, string call)
    {
        string? identifier = context.Request.Headers["Lambda-Extension-Identifier"];
        if (identifier == _identifier)
        {
            return true;
        }
        AddProtocolError($"{call}: Lambda-Extension-Identifier '{identifier}' is not the registered one");
        Refuse(context, 403, "Extension.InvalidIdentifier", "unknown Lambda-Extension-Identifier");
        return false;
    }

    private void RespondJson(HttpListenerContext context, int status, string json)
    {
        if (context.Request.Url!.AbsolutePath.EndsWith("/event/next", StringComparison.Ordinal))
        {
            // The next /event/next gets a fresh slot; this one is answered now.
            Interlocked.Exchange(ref _nextCall, new TaskCompletionSource<HttpListenerContext>(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private void Refuse(HttpListenerContext context, int status, string errorType, string message) =>
        RespondJson(context, status, $$"""{"errorType":"{{errorType}}","errorMessage":{{TelemetryPlatform.JsonString(message)}}}""");

    private void AddProtocolError(string error)
    {
        lock (_protocolErrors)
        {
            _protocolErrors.Add(error);
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add((DateTimeOffset.UtcNow, line));
        }
        // Lambda delivers what extensions print as "extension" records to subscribers of that type: this one too.
        _telemetry.Emit("extension", TelemetryPlatform.JsonString(line + "\n"));
        _options.OnOutput?.Invoke(line);
    }

    private static ProcessStartInfo StartInfo(SandboxOptions options, string runtimeApi)
    {
        var info = new ProcessStartInfo
        {
            FileName = options.Launcher ?? options.ExtensionPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (options.Launcher is not null)
        {
            foreach (string argument in options.LauncherArguments)
            {
                info.ArgumentList.Add(argument);
            }
            info.ArgumentList.Add(options.ExtensionPath);
        }
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        info.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        info.Environment["AWS_LAMBDA_FUNCTION_NAME"] = options.FunctionName;
        info.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = options.FunctionVersion;
        info.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = options.MemorySizeMb.ToString();
        info.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = options.LogStreamName;
        info.Environment["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{options.FunctionName}";
        info.Environment["AWS_REGION"] = options.Region;
        info.Environment["AWS_DEFAULT_REGION"] = options.Region;
        info.Environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_nodejs22.x";
        info.Environment["LAMBDA_TASK_ROOT"] = "/var/task";
        info.Environment["TZ"] = ":UTC";
        foreach (var (name, value) in options.Environment)
        {
            info.Environment[name] = value;
        }
        return info;
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (ProcessStartedAt != default && !_process.HasExited)
        {
            Signals.Thaw(_process.Id);
            Signals.KillNow(_process.Id);
            await _process.WaitForExitAsync();
        }
        _api.Close();
        await _telemetry.DisposeAsync();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException)
        {
        }
        _process.Dispose();
    }
}
