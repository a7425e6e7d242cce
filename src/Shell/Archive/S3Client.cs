using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell.Archive;

/// <summary>The few S3 calls the archive makes, signed with <see cref="SigV4"/>: PUT an object, DELETE one (the
/// <c>--check</c> probe), GET one and LIST a prefix (the replay). Failures are values, never exceptions: an S3 answer
/// (status, S3's error code, its message) or what the transport said. Secrets never go into a message. It owns its
/// connections, renewed after a SnapStart restore as Loki's are.</summary>
internal sealed class S3Client(ArchiveTarget target) : IDisposable
{
    private HttpClient _http = LokiHttp.Create();
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    /// <summary>The most of an answer to a PUT or DELETE read (S3's error document is small).</summary>
    private const int MaxAnswerBytes = 64 * 1024;
    /// <summary>The most of a listing page read (1,000 keys of up to 1 KiB each, with their XML).</summary>
    private const int MaxListBytes = 4 * 1024 * 1024;

    public ArchiveTarget Target => target;

    /// <summary>Writes an object; null when S3 stored it, else why not.</summary>
    public async Task<string?> PutAsync(string key, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Protobuf;
        Answer answer = await SendAsync(Signed(HttpMethod.Put, target.ObjectUri(key), [], content, body.Span), MaxAnswerBytes, cancellation);
        return answer.Problem;
    }

    public async Task<string?> DeleteAsync(string key, CancellationToken cancellation) =>
        (await SendAsync(Signed(HttpMethod.Delete, target.ObjectUri(key), [], null, []), MaxAnswerBytes, cancellation)).Problem;

    /// <summary>An object of at most <paramref name="maxBytes"/>; a larger one is refused unread past that.</summary>
    public async Task<(byte[]? Body, string? Problem)> GetAsync(string key, int maxBytes, CancellationToken cancellation)
    {
        Answer answer = await SendAsync(Signed(HttpMethod.Get, target.ObjectUri(key), [], null, []), maxBytes, cancellation);
        return (answer.Problem is null ? answer.Body : null, answer.Problem);
    }

    /// <summary>One page of ListObjectsV2 under <paramref name="prefix"/>, keys in S3's order (UTF-8 binary).</summary>
    public async Task<(ListPage? Page, string? Problem)> ListAsync(string prefix, string? continuation, CancellationToken cancellation)
    {
        List<KeyValuePair<string, string>> query = [new("list-type", "2"), new("prefix", prefix)];
        if (continuation is not null)
        {
            query.Add(new("continuation-token", continuation));
        }
        Answer answer = await SendAsync(Signed(HttpMethod.Get, target.BucketUri, query, null, []), MaxListBytes, cancellation);
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
    private readonly record struct Answer(byte[] Body, string? Problem);

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
                < 200 or >= 300 => new Answer([], Problem(status, Encoding.UTF8.GetString(body))),
                _ when cut => new Answer([], $"an answer of more than {maxBytes} bytes, not read further"),
                _ => new Answer(body, null),
            };
        }
        catch (HttpRequestException e)
        {
            return new Answer([], $"{e.HttpRequestError}: {(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message)}");
        }
        catch (OperationCanceledException)
        {
            return new Answer([], "no answer in time");
        }
    }

    /// <summary>The request with its SigV4 headers: host, x-amz-date, x-amz-content-sha256, the session token.</summary>
    private HttpRequestMessage Signed(HttpMethod method, Uri uri, List<KeyValuePair<string, string>> query, HttpContent? content, ReadOnlySpan<byte> payload)
    {
        string queryText = string.Join('&', query.Select(p => SigV4.Escape(p.Key) + "=" + SigV4.Escape(p.Value)));
        var request = new HttpRequestMessage(method, queryText.Length > 0 ? new Uri(uri.GetLeftPart(UriPartial.Path) + "?" + queryText) : uri) { Content = content };
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string payloadHash = SigV4.PayloadHash(payload);
        string host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        List<KeyValuePair<string, string>> headers = [new("host", host), new("x-amz-date", SigV4.AmzDate(now)), new("x-amz-content-sha256", payloadHash)];
        if (target.Credentials.SessionToken is { } token)
        {
            headers.Add(new("x-amz-security-token", token));
        }
        foreach (var (name, value) in headers.Skip(1))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("Authorization", SigV4.Authorization(method.Method, uri.AbsolutePath, query, headers, payloadHash,
            target.Credentials, target.Region, "s3", now, isS3: true));
        return request;
    }

    /// <summary>S3's answer in a line: status, its error code and message (never a header, never a credential).</summary>
    private static string Problem(int status, string text)
    {
        string code = Element(text, "Code");
        string message = Element(text, "Message");
        return $"HTTP {status}" + (code.Length > 0 ? $" {code}" : "") + (message.Length > 0 ? $": {message}" : "");
    }

    internal static string Element(string xml, string name)
    {
        int start = xml.IndexOf($"<{name}>", StringComparison.Ordinal);
        int end = start < 0 ? -1 : xml.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return start < 0 || end < 0 ? "" : WebUtility.HtmlDecode(xml[(start + name.Length + 2)..end]);
    }
}
