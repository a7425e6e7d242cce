using System.Net;
using System.Net.Http.Headers;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>Sends push requests to Loki and turns whatever happens into a <see cref="PushOutcome"/>: an HTTP answer,
/// a refused connection, a cut connection or a timeout. It never throws for a failed push. It owns its connections:
/// after a SnapStart restore they are renewed, since those open at the snapshot are dead (<see cref="Renew"/>).</summary>
internal sealed class LokiClient(Uri pushUri, IEnumerable<HttpHeader> headers) : IDisposable
{
    /// <summary>Made at the first push, not at start-up: the handler and its statics are CPU that the first
    /// <c>/event/next</c> does not need (7.2% of a CPU at 128 MB); a Loki on HTTPS sets up TLS only then too.</summary>
    private HttpClient? _http;

    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private const int MaxMessageChars = 1024;
    /// <summary>The most of an error answer read: Loki lists refused entries one per line, and a hostile or broken
    /// server could send without end.</summary>
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
        using var request = new HttpRequestMessage(HttpMethod.Post, pushUri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Protobuf;
        foreach (HttpHeader header in pushHeaders ?? headers)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        try
        {
            HttpClient http = _http ??= LokiHttp.Create();
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            int status = (int)response.StatusCode;
            string message = status is >= 200 and < 300 and not 260 ? "" : await ReadMessageAsync(response, cancellation);
            string? location = response.Headers.Location is { } to ? Redaction.Url(to.ToString()) : null;
            return (PushOutcome.FromStatus(status, message, RetryAfterMs(response), location), status);
        }
        catch (HttpRequestException e)
        {
            // A refused connection, a failed name lookup or a failed TLS handshake sent nothing; anything later may have
            // been stored.
            bool sent = e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError);
            return (PushOutcome.Unanswered(LokiHttp.Describe(e), mayHaveBeenStored: sent), null);
        }
        catch (OperationCanceledException)
        {
            return (PushOutcome.Unanswered("no answer in time", mayHaveBeenStored: true), null);
        }
    }

    /// <summary>Drops every pooled connection (without a word to the server: after a restore there is no one there) and
    /// opens new ones from the next push on. Called only with no push in flight.</summary>
    public void Renew()
    {
        Interlocked.Exchange(ref _http, null)?.Dispose();
    }

    public void Dispose() => _http?.Dispose();

    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        string text = (await BoundedContent.ReadTextAsync(response.Content, MaxAnswerBytes, cancellation)).Trim();
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

    private static long? RetryAfterMs(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return (long)delta.TotalMilliseconds;
        }
        if (retryAfter?.Date is { } date)
        {
            return Math.Max(0, (long)(date - DateTimeOffset.UtcNow).TotalMilliseconds);
        }
        return null;
    }
}
