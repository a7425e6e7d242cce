namespace LokiLambdaExtension.Shell.Aws;

/// <summary>A request to AWS with its SigV4 headers (<see cref="SigV4"/>): host, x-amz-date, x-amz-content-sha256 for
/// S3, the session token, and any of the caller's that are signed too (<c>x-amz-target</c>).</summary>
internal static class AwsSigning
{
    public static HttpRequestMessage Signed(HttpMethod method, Uri uri, List<KeyValuePair<string, string>> query, HttpContent? content,
        ReadOnlySpan<byte> payload, AwsCredentials credentials, string region, string service, bool isS3, params KeyValuePair<string, string>[] signedHeaders)
    {
        string queryText = string.Join('&', query.Select(p => SigV4.Escape(p.Key) + "=" + SigV4.Escape(p.Value)));
        var request = new HttpRequestMessage(method, queryText.Length > 0 ? new Uri(uri.GetLeftPart(UriPartial.Path) + "?" + queryText) : uri) { Content = content };
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string payloadHash = SigV4.PayloadHash(payload);
        string host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        List<KeyValuePair<string, string>> headers = [new("host", host), new("x-amz-date", SigV4.AmzDate(now))];
        if (isS3)
        {
            headers.Add(new("x-amz-content-sha256", payloadHash));
        }
        if (credentials.SessionToken is { } token)
        {
            headers.Add(new("x-amz-security-token", token));
        }
        headers.AddRange(signedHeaders);
        foreach (var (name, value) in headers.Skip(1))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("Authorization", SigV4.Authorization(method.Method, uri.AbsolutePath, query, headers, payloadHash,
            credentials, region, service, now, isS3));
        return request;
    }
}
