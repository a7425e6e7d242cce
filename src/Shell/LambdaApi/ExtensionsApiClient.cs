using System.Net.Http.Headers;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>The Extensions API: register, wait for the next event, report errors. One method per call, as
/// Amazon.Lambda.RuntimeSupport's <c>RuntimeApiClient</c> does.</summary>
internal sealed class ExtensionsApiClient(HttpClient http, string runtimeApi)
{
    private const string IdentifierHeader = "Lambda-Extension-Identifier";
    private readonly string _baseUrl = $"http://{runtimeApi}/2020-01-01/extension";
    private string _identifier = "";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task RegisterAsync(string extensionName, IReadOnlyList<string> events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}/register") { Content = JsonBody(LambdaApiJson.Register(events)) };
        request.Headers.Add("Lambda-Extension-Name", extensionName);
        using HttpResponseMessage response = await http.SendAsync(request);
        await EnsureSuccessAsync(response, "register");
        _identifier = response.Headers.TryGetValues(IdentifierHeader, out var values) ? values.First() : "";
        if (_identifier.Length == 0)
        {
            throw new InvalidOperationException("register answered without a Lambda-Extension-Identifier header");
        }
    }

    /// <summary>Blocks until the next event. The HttpClient has no timeout: the process is frozen in the middle of
    /// this call between invocations, for as long as the platform likes.</summary>
    public async Task<NextEvent> NextAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_baseUrl}/event/next");
        request.Headers.Add(IdentifierHeader, _identifier);
        using HttpResponseMessage response = await http.SendAsync(request);
        await EnsureSuccessAsync(response, "event/next");
        return LambdaApiJson.ReadNextEvent(await response.Content.ReadAsByteArrayAsync());
    }

    public Task ReportInitErrorAsync(string errorType, string message) =>
        ReportErrorAsync("init/error", errorType, message);

    /// <summary>PUTs a subscription (Telemetry or Logs API) and says whether it was accepted, with the platform's answer.</summary>
    public async Task<(bool Accepted, string Answer)> SubscribeAsync(string path, SubscriptionRequest subscription)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"http://{runtimeApi}/{path}")
        {
            Content = JsonBody(LambdaApiJson.Subscription(subscription)),
        };
        request.Headers.Add(IdentifierHeader, _identifier);
        using HttpResponseMessage response = await http.SendAsync(request);
        string answer = await BoundedContent.ReadTextAsync(response.Content, 64 * 1024, CancellationToken.None);
        int status = (int)response.StatusCode;
        return (TelemetrySubscriptionKinds.IsSubscription(status, answer), $"HTTP {status} {answer}".Trim());
    }

    private async Task ReportErrorAsync(string path, string errorType, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_baseUrl}/{path}") { Content = JsonBody(LambdaApiJson.Error(errorType, message)) };
        request.Headers.Add(IdentifierHeader, _identifier);
        request.Headers.Add("Lambda-Extension-Function-Error-Type", errorType);
        using HttpResponseMessage response = await http.SendAsync(request);
    }

    private static ByteArrayContent JsonBody(byte[] body) => new(body) { Headers = { ContentType = Json } };

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"{call} answered HTTP {(int)response.StatusCode}: {body}");
        }
    }
}
