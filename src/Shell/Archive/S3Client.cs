using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LokiLambdaExtension.Shell.Aws;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell.Archive;

/// <summary>The few S3 calls the archive makes, each signed with the credentials it is given (<see cref="SigV4"/>): PUT an
/// object, DELETE one (the <c>--check</c> probe), GET one and LIST a prefix (the replay). Failures are values, never
/// exceptions: an S3 answer (status, S3's error code, its message) or what the transport said. Secrets never go into a
/// message. It owns its connections, renewed after a SnapStart restore as Loki's are.</summary>
internal sealed class S3Client(ArchiveTarget target) : IDisposable
{
    private HttpClient _http = LokiHttp.Create();
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    /// <summary>The most of an answer to a PUT or DELETE read (S3's error document is small).</summary>
    private const int MaxAnswerBytes = 64 * 1024;
    /// <summary>The most of a listing page read (1,000 keys of up to 1 KiB each, with their XML).</summary>
    private const int MaxListBytes = 4 * 1024 * 1024;

    public ArchiveTarget Target => target;

    /// <summary>Writes an object; no problem when S3 stored it, else why not (with S3's status and code, when it answered).</summary>
    public async Task<(string? Problem, int? Status, string? Code)> PutAsync(string key, ReadOnlyMemory<byte> body, AwsCredentials credentials,
        CancellationToken cancellation)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Protobuf;
        Answer answer = await SendAsync(Signed(HttpMethod.Put, target.ObjectUri(key), [], content, body.Span, credentials), MaxAnswerBytes, cancellation);
        return (answer.Problem, answer.Status, answer.Code);
    }

    public async Task<string?> DeleteAsync(string key, AwsCredentials credentials, CancellationToken cancellation) =>
        (await SendAsync(Signed(HttpMethod.Delete, target.ObjectUri(key), [], null, [], credentials), MaxAnswerBytes, cancellation)).Problem;

    /// <summary>An object of at most <paramref name="maxBytes"/>; a larger one is refused unread past that.</summary>
    public async Task<(byte[]? Body, string? Problem)> GetAsync(string key, int maxBytes, AwsCredentials credentials, CancellationToken cancellation)
    {
        Answer answer = await SendAsync(Signed(HttpMethod.Get, target.ObjectUri(key), [], null, [], credentials), maxBytes, cancellation);
        return (answer.Problem is null ? answer.Body : null, answer.Problem);
    }

    /// <summary>One page of ListObjectsV2 under <paramref name="prefix"/>, keys in S3's order (UTF-8 binary).</summary>
    public async Task<(ListPage? Page, string? Problem)> ListAsync(string prefix, string? continuation, AwsCredentials credentials,
        CancellationToken cancellation)
    {
        List<KeyValuePair<string, string>> query = [new("list-type", "2"), new("prefix", prefix)];
        if (continuation is not null)
        {
            query.Add(new("continuation-token", continuation));
        }
        Answer answer = await SendAsync(Signed(HttpMethod.Get, target.BucketUri, query, null, [], credentials), MaxListBytes, cancellation);
        return (answer.Problem is null ? ListPage.Read(Encoding.UTF8.GetString(answer.Body)) : null, answer.Problem);
    }

    public void Renew()
    {
        HttpClient stale = Interlocked.Exchange(ref _http, LokiHttp.Create());
        stale.Dispose();
    }

    public void Dispose() => _http.Dispose();

    /// <summary>S3's answer: its body, and a problem unless it was a 2xx (S3's status, code and message, or what the
    /// transport said).</summary>
    private readonly record struct Answer(byte[] Body, string? Problem, int? Status = null, string? Code = null);

    /// <summary>Sends the request and reads at most <paramref name="maxBytes"/> of the answer: a longer one is a problem,
    /// never read whole. A redirect is a problem too (never followed: the signature and the session token would go
    /// with it).</summary>
    private async Task<Answer> SendAsync(HttpRequestMessage signed, int maxBytes, CancellationToken cancellation)
    {
        using HttpRequestMessage request = signed;
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            var (body, cut) = await BoundedContent.ReadAsync(response.Content, maxBytes, cancellation);
            int status = (int)response.StatusCode;
            return status switch
            {
                >= 300 and < 400 => new Answer([], $"HTTP {status} redirecting to " +
                    $"{(response.Headers.Location is { } to ? Redaction.Url(to.ToString()) : "(no Location)")}: redirects are never followed; " +
                    $"check {ConfigValues.Names.ArchiveS3}, {ConfigValues.Names.ArchiveEndpoint} and AWS_REGION"),
                < 200 or >= 300 => Refused(status, Encoding.UTF8.GetString(body)),
                _ when cut => new Answer([], $"an answer of more than {maxBytes} bytes, not read further"),
                _ => new Answer(body, null),
            };
        }
        catch (HttpRequestException e)
        {
            return new Answer([], LokiHttp.Describe(e));
        }
        catch (OperationCanceledException)
        {
            return new Answer([], "no answer in time");
        }
    }

    private HttpRequestMessage Signed(HttpMethod method, Uri uri, List<KeyValuePair<string, string>> query, HttpContent? content, ReadOnlySpan<byte> payload,
        AwsCredentials credentials) => AwsSigning.Signed(method, uri, query, content, payload, credentials, target.Region, "s3", isS3: true);

    /// <summary>S3's refusal: the line says its status, error code and message (never a header, never a credential).</summary>
    private static Answer Refused(int status, string text)
    {
        string code = Element(text, "Code");
        return new Answer([], AwsErrors.Describe(status, code, Element(text, "Message")), status, code);
    }

    internal static string Element(string xml, string name)
    {
        int start = xml.IndexOf($"<{name}>", StringComparison.Ordinal);
        int end = start < 0 ? -1 : xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return start < 0 || end < 0 ? "" : WebUtility.HtmlDecode(xml[(start + name.Length + 2)..end]);
    }
}
