using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using LokiLambdaExtension.Shell.Http;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>Sends push requests to Loki and turns whatever happens into a <see cref="PushOutcome"/>: an HTTP answer,
/// a refused connection, a cut connection or a timeout. It never throws for a failed push. Pushes go on connections of
/// its own (<see cref="LokiConnections"/>), or through HttpClient when the environment names a proxy for Loki's URL
/// (<c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>, <c>ALL_PROXY</c>, less <c>NO_PROXY</c>), which HttpClient honours. Redirects
/// are never followed. After a SnapStart restore its connections are renewed, since those open at the snapshot are
/// dead (<see cref="Renew"/>).</summary>
internal sealed class LokiClient(Uri pushUri, IEnumerable<HttpHeader> headers) : IDisposable
{
    /// <summary>Made at the first push, not at start-up: a proxy is looked for then, and a Loki on HTTPS sets up TLS
    /// only then too (7.2% of a CPU at 128 MB: CPU that the first <c>/event/next</c> does not need).</summary>
    private LokiConnections? _direct;
    private HttpClient? _proxied;
    private bool? _viaProxy;

    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private const int MaxMessageChars = 1024;
    /// <summary>The most of an answer read: Loki lists refused entries one per line, and a hostile or broken server
    /// could send without end.</summary>
    private const int MaxAnswerBytes = 256 * 1024;

    public Uri PushUri => pushUri;

    /// <summary>The push URL as it may be printed (no user info, no query: see <see cref="Redaction.Url"/>).</summary>
    public string Display { get; } = Redaction.Url(pushUri.ToString());

    public Task<(PushOutcome Outcome, int? Status)> PushAsync(PooledBuffer body, CancellationToken cancellation) => PushAsync(body.Memory, cancellation);

    /// <summary>A push body as it is: one encoded here, or an archived object replayed. <paramref name="pushHeaders"/>,
    /// when given, replace the client's (the core's, built from secrets read from AWS, which can change).</summary>
    public async Task<(PushOutcome Outcome, int? Status)> PushAsync(ReadOnlyMemory<byte> body, CancellationToken cancellation,
        IEnumerable<HttpHeader>? pushHeaders = null)
    {
        try
        {
            _viaProxy ??= HttpClient.DefaultProxy.GetProxy(pushUri) is not null;
            var (status, message, retryAfterMs, location) = _viaProxy.Value
                ? await SendProxiedAsync(body, pushHeaders ?? headers, cancellation)
                : await SendAsync(body, pushHeaders ?? headers, cancellation);
            return (PushOutcome.FromStatus(status, message, retryAfterMs, location is null ? null : Redaction.Url(location)), status);
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return (PushOutcome.Unanswered("no answer in time", mayHaveBeenStored: true), null);
        }
        catch (HttpRequestException e)
        {
            // A refused connection, a failed name lookup or a failed TLS handshake sent nothing; anything later may have
            // been stored.
            bool sent = e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError);
            return (PushOutcome.Unanswered(LokiHttp.Describe(e), mayHaveBeenStored: sent), null);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return (PushOutcome.Unanswered(e.Message, mayHaveBeenStored: true), null);
        }
    }

    /// <summary>Drops every kept connection (without a word to the server: after a restore there is no one there) and
    /// opens new ones from the next push on. Called only with no push in flight.</summary>
    public void Renew()
    {
        _direct?.Renew();
        Interlocked.Exchange(ref _proxied, null)?.Dispose();
    }

    public void Dispose()
    {
        _direct?.Dispose();
        _proxied?.Dispose();
    }

    private async Task<(int Status, string Message, long? RetryAfterMs, string? Location)> SendAsync(ReadOnlyMemory<byte> body,
        IEnumerable<HttpHeader> pushHeaders, CancellationToken cancellation)
    {
        _direct ??= new LokiConnections(pushUri);
        HttpAnswer answer = await _direct.SendAsync(Head(body.Length, pushHeaders), body, MaxAnswerBytes, cancellation);
        string message = IsStored(answer.Status) ? ""
            : Message(BoundedContent.Text(answer.Body, answer.Cut, MaxAnswerBytes));
        return (answer.Status, message, RetryAfterMs(answer.Head.Value("retry-after"u8)), answer.Head.Value("location"u8));
    }

    private async Task<(int Status, string Message, long? RetryAfterMs, string? Location)> SendProxiedAsync(ReadOnlyMemory<byte> body,
        IEnumerable<HttpHeader> pushHeaders, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pushUri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Protobuf;
        foreach (HttpHeader header in pushHeaders)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        HttpClient http = _proxied ??= LokiHttp.Create();
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        int status = (int)response.StatusCode;
        string message = IsStored(status) ? "" : Message(await BoundedContent.ReadTextAsync(response.Content, MaxAnswerBytes, cancellation));
        return (status, message, RetryAfterMs(response.Headers.RetryAfter?.ToString()), response.Headers.Location?.ToString());
    }

    /// <summary>The request's head: the push URL's path on its host, the body's type and length, and the core's headers
    /// (a <c>Host</c> among them, from <c>LOKI_EXTRA_HEADERS</c>, names the virtual host as HttpClient lets it).</summary>
    private byte[] Head(int bodyLength, IEnumerable<HttpHeader> pushHeaders)
    {
        string? host = null;
        var others = new StringBuilder();
        foreach (HttpHeader header in pushHeaders)
        {
            if (header.Name.AsSpan().IndexOfAny("\r\n\0:") >= 0 || header.Value.AsSpan().IndexOfAny("\r\n\0") >= 0)
            {
                // The core lets none through (LokiHeaders); a line break here would start a header of its own.
                throw new InvalidOperationException($"a header '{header.Name}' that cannot be sent");
            }
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                host = header.Value;
                continue;
            }
            others.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }
        string text = $"POST {pushUri.PathAndQuery} HTTP/1.1\r\nHost: {host ?? Authority(pushUri)}\r\n" +
                      $"Content-Type: application/x-protobuf\r\nContent-Length: {bodyLength}\r\n{others}\r\n";
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Authority(Uri uri)
    {
        string host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        return uri.IsDefaultPort ? host : $"{host}:{uri.Port}";
    }

    /// <summary>2xx is stored, except 260 (see <see cref="PushOutcome.FromStatus"/>): no message is kept for those.</summary>
    private static bool IsStored(int status) => status is >= 200 and < 300 and not 260;

    private static string Message(string answer)
    {
        string text = answer.Trim();
        if (text.Length <= MaxMessageChars)
        {
            return text;
        }
        // Loki's ingester lists the refused entries one per line and counts them on the last ("total ignored: N out of
        // M for stream: …"): keep the head for people and that line for the core, which counts what was lost.
        int lastLine = text.LastIndexOf('\n');
        string tail = lastLine > 0 && text.Length - lastLine < MaxMessageChars ? text[lastLine..] : "";
        return text[..MaxMessageChars] + "…" + tail;
    }

    /// <summary>Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable.</summary>
    private static long? RetryAfterMs(string? retryAfter)
    {
        if (retryAfter is null)
        {
            return null;
        }
        if (long.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return seconds > long.MaxValue / 1000 ? long.MaxValue : seconds * 1000;
        }
        return DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            ? Math.Max(0, (long)(date - DateTimeOffset.UtcNow).TotalMilliseconds)
            : null;
    }
}
