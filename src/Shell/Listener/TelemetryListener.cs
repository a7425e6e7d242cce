using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Shell.Listener;

/// <summary>Receives the platform's Telemetry API POSTs on all interfaces (the platform reaches it through
/// <c>sandbox.localdomain</c>), on a small HTTP/1.1 server of its own: every connection is served on its own, with a
/// deadline and a size cap, so no client of the port (a library probing local ports, a misconfigured client) can
/// delay the platform's deliveries. A body is handed on whole, one at a time, before it is answered: the platform
/// sends its next delivery only after the answer, so records reach the core in the order it sent them.</summary>
internal sealed class TelemetryListener : IDisposable
{
    private static readonly byte[] Ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly ListenerLimits _limits;
    private readonly Action<ReadOnlyMemory<byte>> _onBody;
    private readonly Action<string> _onRefused;
    private readonly Action<string> _onProblem;
    private readonly ListenerConnections _connections;
    private readonly object _handingOn = new();
    private readonly BodyBuffers _buffers;
    /// <summary>Cancelled when the listener is disposed: connections being served end with it.</summary>
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>Keeps the deadlines of the requests and of the connections waiting between them (on the main thread).</summary>
    private readonly LoopInbox _deadlines;

    private TelemetryListener(Socket socket, int port, ListenerLimits limits, LoopInbox deadlines, Action<ReadOnlyMemory<byte>> onBody,
        Action<string> onRefused, Action<string> onProblem)
    {
        _deadlines = deadlines;
        _onProblem = onProblem;
        _connections = new ListenerConnections(limits.MaxConnections);
        _socket = socket;
        Port = port;
        _limits = limits;
        _onBody = onBody;
        _onRefused = onRefused;
        _buffers = new BodyBuffers(limits.MaxBodyBytesInFlight);
    }

    public int Port { get; }

    /// <summary>Listens on <paramref name="port"/>, or on a free port when that one is taken (and says so through
    /// <paramref name="log"/>): a port clash with another extension must not cost the function its logs.
    /// <paramref name="onRefused"/> hears of every request refused or cut, and why; <paramref name="log"/> of the
    /// listener's own troubles (a failed accept, and its end). <paramref name="deadlines"/> keeps each request's deadline
    /// and each kept-alive connection's idle time (the loop's main thread, once the loop runs).</summary>
    public static TelemetryListener Start(int port, ListenerLimits limits, LoopInbox deadlines, Action<ReadOnlyMemory<byte>> onBody,
        Action<string> onRefused, Action<string> log)
    {
        if (TryBind(port) is { } socket)
        {
            return new TelemetryListener(socket, port, limits, deadlines, onBody, onRefused, log);
        }
        Socket free = TryBind(0) ?? throw new InvalidOperationException($"cannot listen for telemetry on port {port} nor on a free port");
        int freePort = ((IPEndPoint)free.LocalEndPoint!).Port;
        log($"port {port} is taken; listening for telemetry on port {freePort} instead");
        return new TelemetryListener(free, freePort, limits, deadlines, onBody, onRefused, log);
    }

    /// <summary>Accepts connections until disposed. A failed accept (no file descriptors left, no memory) is said once,
    /// and accepting goes on after a backoff: a listener that stopped would leave the port open and every later
    /// delivery unanswered. At most <see cref="ListenerLimits.MaxConnections"/> are served at once; at the cap, the
    /// connection idle longest between requests is closed to make room, else the next accept waits for a place.</summary>
    public async Task RunAsync()
    {
        CancellationToken cancellation = _stopping.Token;
        int failures = 0;
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                await _connections.PlaceAsync(cancellation);
                client = await _socket.AcceptAsync(cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (failures++ == 0)
                {
                    _onProblem($"telemetry listener cannot accept connections ({e.SocketErrorCode}: {e.Message}); retrying with backoff");
                }
                await Task.Delay(Math.Min(1000, 10 << Math.Min(failures, 7)), cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            if (failures > 0)
            {
                _onProblem($"telemetry listener accepts connections again, after {failures} failed accepts");
                failures = 0;
            }
            _ = ServeAsync(client, cancellation);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Serves one connection's requests, one after the other, until it closes, idles too long or misbehaves.</summary>
    private async Task ServeAsync(Socket client, CancellationToken cancellation)
    {
        client.NoDelay = true;
        using var stream = new NetworkStream(client, ownsSocket: true);
        using var connection = new ConnectionReader(stream, _limits, _deadlines);
        _connections.Add(connection);
        try
        {
            while (true)
            {
                // Between requests a connection may idle (keep-alive); once a request begins, its head and body have
                // their deadline.
                RequestHead? head = await connection.ReadHeadAsync(cancellation);
                if (head is null)
                {
                    await RefuseAsync(stream, connection.Problem);
                    return;
                }
                (byte[]? body, int length) = await connection.ReadBodyAsync(head.Value, _buffers, cancellation);
                if (body is null)
                {
                    await RefuseAsync(stream, connection.Problem);
                    return;
                }
                try
                {
                    lock (_handingOn)
                    {
                        _onBody(body.AsMemory(0, length));
                    }
                }
                finally
                {
                    _buffers.Return(body);
                }
                await stream.WriteAsync(Ok, cancellation);
                if (!head.Value.KeepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away; what it sent whole was handed on, the rest it sends again (the platform retries).
        }
        catch (Exception e)
        {
            // A bug here must not take the listener down: this connection closes, the others go on.
            _onRefused($"a request the listener failed on ({e.GetType().Name}: {e.Message})");
        }
        finally
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>Answers a refused request with its status (when there is one) and says why; the connection then closes.</summary>
    private async Task RefuseAsync(NetworkStream stream, (int Status, string Why)? problem)
    {
        if (problem is not var (status, why))
        {
            return; // closed or idle: nothing was asked
        }
        _onRefused(why);
        if (status > 0)
        {
            try
            {
                // Its deadline kept by the loop like every other of the listener's (see ConnectionWait): no runtime timer.
                using var answer = new ConnectionWait(_deadlines, TimeSpan.FromSeconds(1), CancellationToken.None);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {Reason(status)}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), answer.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static string Reason(int status) => status switch
    {
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Bad Request",
    };

    /// <summary>A socket on all interfaces: IPv4 and IPv6 where the kernel has IPv6 (sandbox.localdomain may resolve to
    /// either), IPv4 alone otherwise; null when the port is taken.</summary>
    private static Socket? TryBind(int port)
    {
        foreach (bool dual in new[] { true, false })
        {
            Socket? socket = null;
            try
            {
                socket = dual
                    ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }
                    : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(dual ? IPAddress.IPv6Any : IPAddress.Any, port));
                socket.Listen(512);
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                socket?.Dispose();
                return null;
            }
            catch (SocketException)
            {
                socket?.Dispose(); // no IPv6 here: IPv4 alone
            }
        }
        return null;
    }
}
