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

    /// <summary>Performs a fetch the core decided, within its deadline (kept by the loop's <paramref name="inbox"/>, which
    /// cancels the fetch when it is due, on its own thread); whatever happens, the core hears of it (a fetch left open
    /// would hold <c>/event/next</c>).</summary>
    public async Task PerformAsync(Decision fetch, LoopInbox inbox)
    {
        long notAfterMs = fetch switch { CredentialsFetchStarted c => c.NotAfterMs, SecretsFetchStarted s => s.NotAfterMs, _ => ShellClock.NowMs };
        Observation observation;
        using (LoopInbox.RequestDeadline timeout = inbox.Deadline(notAfterMs))
        {
            try
            {
                observation = fetch switch
                {
                    CredentialsFetchStarted credentials => await CredentialsAsync(credentials.Source, timeout.Token),
                    SecretsFetchStarted secrets => await SecretsAsync(secrets.References, secrets.SignWith, timeout.Token),
                    _ => throw new ArgumentException($"not a fetch: {fetch.GetType().Name}", nameof(fetch)),
                };
            }
            catch (Exception e)
            {
                string problem = $"{e.GetType().Name}: {e.Message}";
                observation = fetch is SecretsFetchStarted asked
                    ? new SecretsFetched(ShellClock.NowMs, asked.References.Map(r => new SecretAnswer(r, null, [], problem)), 0)
                    : new CredentialsFetched(ShellClock.NowMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, [], problem, 0);
            }
        }
        inbox.Post(observation);
    }

    public async Task<CredentialsFetched> CredentialsAsync(CredentialSource.ContainerEndpoint source, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Endpoint);
        request.Headers.TryAddWithoutValidation("Authorization", source.Authorization);
        var (status, body, problem) = await SendAsync(_endpoint, request, cancellation);
        return new CredentialsFetched(ShellClock.NowMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), status, body, problem, ShellRandom.Jitter());
    }

    /// <summary>Every reference read at once (they are few), each answer kept apart.</summary>
    public async Task<SecretsFetched> SecretsAsync(Seq<SecretReference> references, AwsCredentials credentials, CancellationToken cancellation)
    {
        SecretAnswer[] answers = await Task.WhenAll(references.Map(r => SecretAsync(r, credentials, cancellation)));
        return new SecretsFetched(ShellClock.NowMs, answers.ToSeq(), ShellRandom.Jitter());
    }

    public async Task<SecretAnswer> SecretAsync(SecretReference reference, AwsCredentials credentials, CancellationToken cancellation)
    {
        byte[] payload = reference.RequestBody();
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = AwsJson;
        var (service, target) = reference.Call;
        using HttpRequestMessage request = AwsSigning.Signed(HttpMethod.Post, reference.Endpoint, [], content, payload, credentials, reference.Region,
            service, isS3: false, new KeyValuePair<string, string>("x-amz-target", target));
        var (status, body, problem) = await SendAsync(_services, request, cancellation);
        return new SecretAnswer(reference, status, body, problem);
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
