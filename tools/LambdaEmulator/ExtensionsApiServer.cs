using System.Net;
using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The Extensions API as Lambda serves it, on a loopback port: register (the name must be the executable's),
/// <c>/event/next</c> (one waiting call at a time, answered by the invocation script), init/exit errors (after which
/// every call is refused), identifier checks, and the Telemetry and Logs API subscriptions. Every call that breaks
/// the contract is recorded as a protocol error.</summary>
internal sealed class ExtensionsApiServer : IAsyncDisposable
{
    private readonly SandboxOptions _options;
    private readonly HttpListener _api;
    private readonly TelemetryPlatform _telemetry;
    private readonly List<string> _protocolErrors;
    private readonly string _identifier = Guid.NewGuid().ToString();
    private readonly string _extensionName;
    private readonly Task _serving;
    private TaskCompletionSource<HttpListenerContext> _nextCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _errorReported;

    private ExtensionsApiServer(SandboxOptions options, HttpListener api, int port, TelemetryPlatform telemetry, List<string> protocolErrors)
    {
        _options = options;
        _api = api;
        _telemetry = telemetry;
        _protocolErrors = protocolErrors;
        RuntimeApi = $"127.0.0.1:{port}";
        Role = new RoleCredentials(options.CredentialsValidFor);
        _extensionName = Path.GetFileName(options.ExtensionPath);
        _serving = Task.Run(() => HttpListenerLoop.ServeAsync(_api, HandleAsync));
    }

    /// <summary>What <c>AWS_LAMBDA_RUNTIME_API</c> says: host and port.</summary>
    public string RuntimeApi { get; }

    /// <summary>The function role's credentials: in the environment, or, for SnapStart, at the endpoint served here.</summary>
    public RoleCredentials Role { get; }

    public DateTimeOffset? RegisteredAt { get; private set; }

    public DateTimeOffset? FirstNextAt { get; private set; }

    /// <summary>Called as the first <c>/event/next</c> arrives, before it is answered (the bench reads the init's CPU).</summary>
    public Action? FirstNextArrived { get; set; }

    private readonly TaskCompletionSource<DateTimeOffset> _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When the first request of any kind arrives (what the bench's spawn baseline measures).</summary>
    public Task<DateTimeOffset> FirstRequest => _firstRequest.Task;

    public IReadOnlyList<string> ErrorReports { get; private set; } = [];

    /// <summary>The events the extension asked for when it registered.</summary>
    public IReadOnlyList<string> RegisteredEvents { get; private set; } = [];

    /// <summary>The extension's waiting <c>/event/next</c>, once it calls.</summary>
    public Task<HttpListenerContext> NextCall => _nextCall.Task;

    /// <summary>Binds the API on a free loopback port.</summary>
    public static ExtensionsApiServer Start(SandboxOptions options, TelemetryPlatform telemetry, List<string> protocolErrors)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = LoopbackPorts.Any();
            var api = new HttpListener();
            api.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                api.Start();
                return new ExtensionsApiServer(options, api, port, telemetry, protocolErrors);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                api.Close();
            }
        }
    }

    public void RespondJson(HttpListenerContext context, int status, string json)
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

    public void AddProtocolError(string error)
    {
        lock (_protocolErrors)
        {
            _protocolErrors.Add(error);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        _firstRequest.TrySetResult(DateTimeOffset.UtcNow);
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
                case ("GET", RoleCredentials.EndpointPath) when _options.Model == EmulatedModel.SnapStart:
                    if (request.Headers["Authorization"] != Role.AuthorizationToken)
                    {
                        RespondJson(context, 404, """{"errorType":"NotFound"}""");
                        return;
                    }
                    RespondJson(context, 200, RoleCredentials.Json(await Role.AnswerAsync()));
                    return;
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
                        if (FirstNextAt is null)
                        {
                            FirstNextAt = DateTimeOffset.UtcNow;
                            FirstNextArrived?.Invoke();
                        }
                        if (!_nextCall.TrySetResult(context))
                        {
                            Refuse(context, 403, "Extension.InvalidState", "another /event/next is already waiting");
                        }
                    }
                    return;
                case ("PUT", "/2022-07-01/telemetry" or "/2020-08-15/logs") when _options.StubbedTelemetry:
                    // AWS's RIE in its classic mode (rapi/handler/runtimelogs_stub.go): a 202 that is no subscription.
                    RespondJson(context, 202, path.Contains("logs", StringComparison.Ordinal)
                        ? """{"errorMessage":"Logs API is not supported","errorType":"Logs.NotSupported"}"""
                        : """{"errorMessage":"Telemetry API is not supported","errorType":"Telemetry.NotSupported"}""");
                    return;
                case ("PUT", "/2022-07-01/telemetry") when !_options.TelemetryApiAvailable:
                    Refuse(context, 404, "Telemetry.NotSupported", "the Telemetry API is not available here");
                    return;
                case ("PUT", "/2022-07-01/telemetry"):
                    Subscribe(context, "telemetry", body);
                    return;
                case ("PUT", "/2020-08-15/logs") when _options.Model == EmulatedModel.Managed:
                    Refuse(context, 404, "Logs.NotSupported", "the Logs API is not available on Lambda Managed Instances");
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
        RegisteredEvents = events;
        if (_options.Model == EmulatedModel.Managed && events.Contains("INVOKE"))
        {
            // As on Lambda: the registration fails, and an extension that cannot register fails the function's init.
            AddProtocolError("register: INVOKE asked for on Lambda Managed Instances, where extensions register for SHUTDOWN only");
            Refuse(context, 400, "Extension.InvalidEventType", "INVOKE is not supported on Lambda Managed Instances; register for SHUTDOWN only");
            return;
        }
        RegisteredAt = DateTimeOffset.UtcNow;
        _telemetry.Emit("platform.extension",
            $$"""{"name":"{{name}}","state":"Ready","events":[{{string.Join(",", events.Select(e => $"\"{e}\""))}}]}""");
        context.Response.Headers["Lambda-Extension-Identifier"] = _identifier;
        RespondJson(context, 200, $$"""{"functionName":"{{_options.FunctionName}}","functionVersion":"{{_options.FunctionVersion}}","handler":"index.handler"}""");
    }

    private void Subscribe(HttpListenerContext context, string api, string body)
    {
        if (!CheckIdentifier(context, api))
        {
            return;
        }
        IReadOnlyList<string> schemas = _options.TelemetrySchemas
            ?? (_options.Model == EmulatedModel.Managed ? ["2025-01-29"] : ["2022-07-01", "2022-12-13", "2025-01-29"]);
        var (subscription, error) = TelemetrySubscription.Parse(api, body, schemas);
        if (subscription is null)
        {
            // A refused schema is the platform's answer to try an older one, not a broken contract.
            if (!error!.StartsWith("unsupported schemaVersion", StringComparison.Ordinal))
            {
                AddProtocolError($"{api} subscription refused: {error}");
            }
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

    private void Refuse(HttpListenerContext context, int status, string errorType, string message) =>
        RespondJson(context, status, $$"""{"errorType":"{{errorType}}","errorMessage":{{TelemetryPlatform.JsonString(message)}}}""");

    public async ValueTask DisposeAsync()
    {
        _api.Close();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException)
        {
        }
    }
}
