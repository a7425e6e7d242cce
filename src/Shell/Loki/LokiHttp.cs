namespace LokiLambdaExtension.Shell.Loki;

/// <summary>The HttpClient of the S3 archive, the fetches from AWS, and pushes through a proxy (a push without one goes on
/// <see cref="LokiConnections"/>). TLS is verified against the system's trust store (<c>SSL_CERT_FILE</c> /
/// <c>SSL_CERT_DIR</c> point elsewhere when needed) by <see cref="TrustAnchors"/>.</summary>
internal static class LokiHttp
{
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        // Connections idle across a freeze are likely dead on the server's side: do not reuse old ones.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20),
        // Never followed: a redirect would carry the credentials, the tenant, the S3 session token and the body to the
        // address it names, and a 301/302 would turn the POST into a body-less GET whose 200 looks like a stored push.
        AllowAutoRedirect = false,
        SslOptions = TrustAnchors.Machine.ForHttpClient(),
    })
    {
        // Each push has its own deadline from the core.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>What the transport said, in one line: its kind and message, with the inner cause's (the pushes to Loki,
    /// the S3 archive and the fetches from AWS say it alike).</summary>
    public static string Describe(HttpRequestException e) =>
        $"{e.HttpRequestError}: {(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message)}";
}
