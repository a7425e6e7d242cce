namespace LokiLambdaExtension.Shell.Listener;

/// <summary>What one client of the telemetry port may cost. The platform sends a body at once, of at most about twice
/// the subscription's <c>maxBytes</c>; anything slower or larger is not the platform, and is refused or cut.</summary>
/// <param name="MaxBodyBytes">The largest body taken: a larger <c>Content-Length</c> is refused at once (413), and a
/// body that passes it without one is cut.</param>
/// <param name="MaxBodyBytesInFlight">Bodies being read at once take at most this much memory: past it a request is
/// refused (503), and the platform's own delivery, refused so, is sent again.</param>
/// <param name="RequestDeadline">From a request's first byte to the end of its body.</param>
/// <param name="IdleTimeout">How long a kept-alive connection may wait for its next request.</param>
/// <param name="MaxHeadBytes">The request line and headers, at most (431 beyond).</param>
/// <param name="MaxConnections">Connections served at once (see <see cref="ListenerConnections"/>). The platform uses
/// one or two; 16 leave most of even a 64-descriptor limit to the process and its pushes.</param>
internal sealed record ListenerLimits(int MaxBodyBytes, long MaxBodyBytesInFlight, TimeSpan RequestDeadline, TimeSpan IdleTimeout, int MaxHeadBytes,
    int MaxConnections = 16)
{
    /// <summary>Bodies up to twice the subscription's <paramref name="maxBytes"/> with room for the JSON around the
    /// records, and never less than 4 MiB: a batch holds at least one record, and one record (a huge line) can pass
    /// maxBytes; refusing a body of the platform's would stall its deliveries, since it sends the same body again.
    /// Bodies being read at once may take twice that.</summary>
    public static ListenerLimits For(int maxBytes)
    {
        int maxBody = Math.Max(2 * maxBytes + 64 * 1024, 4 * 1024 * 1024);
        return new ListenerLimits(maxBody, 2L * maxBody, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), 16 * 1024);
    }

    /// <summary>A body's first buffer, whatever its <c>Content-Length</c> claims: larger bodies grow it as their bytes
    /// arrive, so a claim alone costs nothing.</summary>
    public const int FirstBufferBytes = 1024 * 1024;
}
