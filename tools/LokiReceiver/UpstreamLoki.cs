using System.Net;
using System.Net.Http.Headers;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>Passes a push on to a real Loki and brings back its answer: the receiver in front of it then injects its
/// faults around what the real Loki decides (for example: the real Loki stores a push, and the answer is cut).</summary>
internal sealed class UpstreamLoki(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _push = new(baseUrl, "loki/api/v1/push");

    public async Task<(int Status, string Answer)> ForwardAsync(HttpListenerRequest request, byte[] body)
    {
        using var forwarded = new HttpRequestMessage(HttpMethod.Post, _push) { Content = new ByteArrayContent(body) };
        if (request.ContentType is { Length: > 0 } contentType)
        {
            forwarded.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (string name in new[] { "Authorization", "X-Scope-OrgID" })
        {
            if (request.Headers[name] is { Length: > 0 } value)
            {
                forwarded.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (request.Headers["Content-Encoding"] is { Length: > 0 } encoding)
        {
            forwarded.Content.Headers.ContentEncoding.Add(encoding);
        }
        using HttpResponseMessage response = await _http.SendAsync(forwarded);
        return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    public void Dispose() => _http.Dispose();
}
