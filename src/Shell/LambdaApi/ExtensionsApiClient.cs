namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>The Extensions API: register, wait for the next event, subscribe, report errors. One method per call, as
/// Amazon.Lambda.RuntimeSupport's <c>RuntimeApiClient</c> does, over a connection of its own
/// (<see cref="RuntimeApiConnection"/>). Calls come one at a time: register and subscribe at init, then
/// <c>/event/next</c> whenever the core decides it.</summary>
internal sealed class ExtensionsApiClient(string runtimeApi) : IDisposable
{
    private const string Base = "/2020-01-01/extension";
    private readonly RuntimeApiConnection _connection = new(runtimeApi);
    private string _identifier = "";

    public async Task RegisterAsync(string extensionName, IReadOnlyList<string> events)
    {
        RuntimeApiAnswer answer = await _connection.SendAsync("POST", $"{Base}/register", null, LambdaApiJson.Register(events),
            [("Lambda-Extension-Name", extensionName)]);
        EnsureSuccess(answer, "register");
        _identifier = answer.Identifier ?? "";
        if (_identifier.Length == 0)
        {
            throw new InvalidOperationException("register answered without a Lambda-Extension-Identifier header");
        }
    }

    /// <summary>Blocks until the next event: the process is frozen in the middle of this call between invocations, for
    /// as long as the platform likes, so it has no timeout.</summary>
    public async Task<NextEvent> NextAsync()
    {
        RuntimeApiAnswer answer = await _connection.SendAsync("GET", $"{Base}/event/next", _identifier, ReadOnlyMemory<byte>.Empty);
        EnsureSuccess(answer, "event/next");
        return LambdaApiJson.ReadNextEvent(answer.Body);
    }

    public Task ReportInitErrorAsync(string errorType, string message) =>
        _connection.SendAsync("POST", $"{Base}/init/error", _identifier, LambdaApiJson.Error(errorType, message),
            [("Lambda-Extension-Function-Error-Type", errorType)]);

    /// <summary>PUTs a subscription (Telemetry or Logs API) and says whether it was accepted, with the platform's answer.</summary>
    public async Task<(bool Accepted, string Answer)> SubscribeAsync(string path, SubscriptionRequest subscription)
    {
        RuntimeApiAnswer answer = await _connection.SendAsync("PUT", $"/{path}", _identifier, LambdaApiJson.Subscription(subscription));
        string text = System.Text.Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 64 * 1024)));
        return (SubscriptionAttempt.Accepts(answer.Status, text), $"HTTP {answer.Status} {text}".Trim());
    }

    public void Dispose() => _connection.Dispose();

    private static void EnsureSuccess(RuntimeApiAnswer answer, string call)
    {
        if (!answer.IsSuccess)
        {
            throw new InvalidOperationException($"{call} answered HTTP {answer.Status}: {System.Text.Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 1024)))}");
        }
    }
}
