using System.Net.Http.Headers;
using LanguageExt;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell.Aws;

/// <summary>Fetches what the core asks of AWS and hands back what came, unread: the credentials endpoint's answer, each
/// secret's. It never follows a redirect (the token or the signature would go with it), never uses a proxy for the
/// endpoint (it is local; its token must not leave), reads a bounded answer, and never prints what it fetched.</summary>
internal sealed class AwsFetcher : IDisposable
{
    /// <summary>The most of an answer read: a secret is at most 64 KiB, a parameter 8 KiB, with their JSON around.</summary>
    private const int MaxAnswerBytes = 256 * 1024;
    private static readonly MediaTypeHeaderValue AwsJson = new("application/x-amz-json-1.1");

    private HttpClient _services = LokiHttp.Create();
    private HttpClient _endpoint = LocalClient();

    /// <summary>Fetches the credentials the core asked for, within its deadline (kept by the loop's
    /// <paramref name="inbox"/>, which cancels the fetch when it is due, on its own thread); whatever happens, the core
    /// hears of it (a fetch left open would hold <c>/event/next</c>).</summary>
    public async Task FetchCredentialsAsync(Uri endpoint, string authorization, long notAfterMs, LoopInbox inbox)
    {
        (int? Status, byte[] Body, string? Problem) answer;
        using (LoopInbox.RequestDeadline timeout = inbox.Deadline(notAfterMs))
        {
            try
            {
                answer = await CredentialsAsync(endpoint, authorization, timeout.Token);
            }
            catch (Exception e)
            {
                answer = (null, [], $"{e.GetType().Name}: {e.Message}");
            }
        }
        inbox.Post(Observations.CredentialsFetched(ShellClock.NowMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), answer.Status, answer.Body,
            answer.Problem, ShellRandom.Jitter()));
    }

    /// <summary>As <see cref="FetchCredentialsAsync"/>, for every referenced secret, read at once (they are few), each
    /// answer kept apart.</summary>
    public async Task FetchSecretsAsync(Seq<SecretReference> references, AwsCredentials credentials, long notAfterMs, LoopInbox inbox)
    {
        (int? Status, byte[] Body, string? Problem)[] answers;
        using (LoopInbox.RequestDeadline timeout = inbox.Deadline(notAfterMs))
        {
            try
            {
                answers = await Task.WhenAll(references.Map(r => SecretAsync(r, credentials, timeout.Token)));
            }
            catch (Exception e)
            {
                string problem = $"{e.GetType().Name}: {e.Message}";
                answers = new (int?, byte[], string?)[references.Count];
                Array.Fill(answers, (null, [], problem));
            }
        }
        inbox.Post(Observations.SecretsFetched(ShellClock.NowMs, references, answers, ShellRandom.Jitter()));
    }

    /// <summary>The credentials endpoint's answer, unread.</summary>
    public async Task<(int? Status, byte[] Body, string? Problem)> CredentialsAsync(Uri endpoint, string authorization,
        CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await SendAsync(_endpoint, request, cancellation);
    }

    /// <summary>The service's answer for one reference, unread.</summary>
    public async Task<(int? Status, byte[] Body, string? Problem)> SecretAsync(SecretReference reference, AwsCredentials credentials,
        CancellationToken cancellation)
    {
        byte[] payload = reference.RequestBody();
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = AwsJson;
        var (service, target) = reference.Call;
        using HttpRequestMessage request = AwsSigning.Signed(HttpMethod.Post, reference.Endpoint, [], content, payload, credentials, reference.Region,
            service, isS3: false, new KeyValuePair<string, string>("x-amz-target", target));
        var (status, body, problem) = await SendAsync(_services, request, cancellation);
        return (status, body, problem);
    }

    /// <summary>After a SnapStart restore: connections open at the snapshot are dead.</summary>
    public void Renew()
    {
        Interlocked.Exchange(ref _services, LokiHttp.Create()).Dispose();
        Interlocked.Exchange(ref _endpoint, LocalClient()).Dispose();
    }

    public void Dispose()
    {
        _services.Dispose();
        _endpoint.Dispose();
    }

    private static HttpClient LocalClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        // Plain HTTP on Lambda; should an endpoint be HTTPS, its certificate is checked as every other (.NET's own
        // machine store is empty in this process: TrustSources).
        SslOptions = TrustAnchors.Machine.ForHttpClient(),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>A redirect is an answer like any other status (never followed); what the transport says is a problem.</summary>
    private static async Task<(int? Status, byte[] Body, string? Problem)> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellation)
    {
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            var (body, cut) = await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellation);
            int status = (int)response.StatusCode;
            return cut ? (null, [], $"an answer of more than {MaxAnswerBytes} bytes, not read further")
                : status is >= 300 and < 400 ? (null, [], $"HTTP {status} redirecting elsewhere: redirects are never followed")
                : (status, body, null);
        }
        catch (HttpRequestException e)
        {
            return (null, [], LokiHttp.Describe(e));
        }
        catch (OperationCanceledException)
        {
            return (null, [], "no answer in time");
        }
    }
}
