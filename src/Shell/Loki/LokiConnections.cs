using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using LokiLambdaExtension.Shell.Http;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>The connections to Loki, kept alive between pushes: one per push under way (a batch pushes its streams
/// together), each kept for the next after a whole answer. A connection idle for 20 s is not used again (likely dead on
/// the server's side after a freeze), nor one the server has closed; a push sent on a kept connection that the server
/// had closed before answering anything goes once more on a new one, as HttpClient does. TLS when the URL is HTTPS,
/// verified against the system's trust store (<c>SSL_CERT_FILE</c> / <c>SSL_CERT_DIR</c> point elsewhere) without reading all
/// of it (<see cref="TrustAnchors"/>). Failures are
/// <see cref="HttpRequestException"/>s of HttpClient's kinds, so that one reading of them serves both
/// (<see cref="LokiHttp.Describe"/>): nothing was sent when the name, the connection or TLS failed.</summary>
internal sealed class LokiConnections(Uri pushUri) : IDisposable
{
    private const long IdleLimitMs = 20_000;
    private readonly Stack<HttpConnection> _idle = new();
    private readonly string _host = pushUri.IdnHost;
    /// <summary>Counts renewals: a connection opened before the last one is not kept after its push.</summary>
    private int _generation;

    public async Task<HttpAnswer> SendAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body, int maxAnswerBytes, CancellationToken cancellation)
    {
        int generation = Volatile.Read(ref _generation);
        if (TakeIdle() is { } kept)
        {
            try
            {
                HttpAnswer answer = await kept.ExchangeAsync(head, body, maxAnswerBytes, cancellation);
                Keep(kept, generation);
                return answer;
            }
            catch (StaleConnectionException) when (!cancellation.IsCancellationRequested)
            {
                // Closed by the server while idle: nothing was answered, so the push goes again on a new connection.
            }
            catch (StaleConnectionException e)
            {
                throw new OperationCanceledException(e.Message, e, cancellation);
            }
        }
        HttpConnection fresh = await ConnectAsync(cancellation);
        try
        {
            HttpAnswer answer = await fresh.ExchangeAsync(head, body, maxAnswerBytes, cancellation);
            Keep(fresh, generation);
            return answer;
        }
        catch (StaleConnectionException e)
        {
            // The deadline closes the connection: its read ends as if the server had closed it.
            throw cancellation.IsCancellationRequested ? new OperationCanceledException(e.Message, e, cancellation)
                : new HttpRequestException(HttpRequestError.ResponseEnded, e.Message);
        }
    }

    /// <summary>Drops every kept connection (without a word to the server: after a SnapStart restore there is no one
    /// there); those of pushes under way are closed when their push ends.</summary>
    public void Renew()
    {
        Interlocked.Increment(ref _generation);
        DisposeIdle();
    }

    public void Dispose() => Renew();

    private HttpConnection? TakeIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out HttpConnection? connection))
            {
                if (Environment.TickCount64 - connection.IdleSinceMs < IdleLimitMs && connection.LooksAlive)
                {
                    return connection;
                }
                connection.Dispose();
            }
            return null;
        }
    }

    private void Keep(HttpConnection connection, int generation)
    {
        lock (_idle)
        {
            if (connection.IsOpen && generation == _generation)
            {
                _idle.Push(connection);
                return;
            }
        }
        connection.Dispose();
    }

    private void DisposeIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out HttpConnection? connection))
            {
                connection.Dispose();
            }
        }
    }

    private async Task<HttpConnection> ConnectAsync(CancellationToken cancellation)
    {
        int port = pushUri.Port;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(_host, out IPAddress? literal) ? [literal] : await Dns.GetHostAddressesAsync(_host, cancellation);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"cannot resolve {_host} ({e.Message})");
        }
        Socket? socket = null;
        string? refused = addresses.Length == 0 ? "no address" : null;
        foreach (IPAddress address in addresses)
        {
            var attempt = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await attempt.ConnectAsync(address, port, cancellation);
                socket = attempt;
                break;
            }
            catch (SocketException e)
            {
                attempt.Dispose();
                refused = e.Message;
            }
            catch
            {
                attempt.Dispose();
                throw;
            }
        }
        if (socket is null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"cannot connect to {_host}:{port} ({refused})");
        }
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (pushUri.Scheme == Uri.UriSchemeHttps)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            TrustAnchors.TlsCheck check = TrustAnchors.Machine.For(_host);
            try
            {
                await tls.AuthenticateAsClientAsync(check.Options, cancellation);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                await tls.DisposeAsync();
                throw new HttpRequestException(HttpRequestError.SecureConnectionError, $"TLS with {_host}:{port} failed ({check.Refused ?? e.Message})");
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
            stream = tls;
        }
        return new HttpConnection(socket, stream);
    }
}
