using System.Net;
using System.Net.Sockets;

namespace LokiLambdaExtension.Shell;

/// <summary>Receives the platform's Telemetry API POSTs on all interfaces (the platform reaches it through
/// <c>sandbox.localdomain</c>). It answers at once and hands the body on; it never waits on Loki.
/// Requests are served one at a time, so records reach the core in the order the platform sent them.</summary>
internal sealed class TelemetryListener : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Action<ReadOnlyMemory<byte>> _onBody;

    private TelemetryListener(HttpListener listener, int port, Action<ReadOnlyMemory<byte>> onBody)
    {
        _listener = listener;
        Port = port;
        _onBody = onBody;
    }

    public int Port { get; }

    /// <summary>Listens on <paramref name="port"/>, or on a free port when that one is taken (and says so through
    /// <paramref name="log"/>): a port clash with another extension must not cost the function its logs.</summary>
    public static TelemetryListener Start(int port, Action<ReadOnlyMemory<byte>> onBody, Action<string> log)
    {
        if (TryStart(port) is { } listener)
        {
            return new TelemetryListener(listener, port, onBody);
        }
        int freePort = FreePort();
        log($"port {port} is taken; listening for telemetry on port {freePort} instead");
        return new TelemetryListener(TryStart(freePort) ?? throw new InvalidOperationException($"cannot listen on port {freePort}"), freePort, onBody);
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        // One buffer for the listener's life, grown to the largest body (bodies approach 2 × maxBytes): renting and
        // returning per body would leave the intermediate sizes cached in the shared pool.
        byte[] buffer = new byte[64 * 1024];
        while (!cancellation.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or HttpListenerException)
            {
                return;
            }
            int length;
            (buffer, length) = await ReadBodyAsync(context.Request, buffer, cancellation);
            Answer(context.Response);
            _onBody(buffer.AsMemory(0, length));
        }
    }

    public void Dispose() => _listener.Close();

    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpListenerRequest request, byte[] buffer, CancellationToken cancellation)
    {
        int length = 0;
        Stream body = request.InputStream;
        long announced = request.ContentLength64;
        // Sized from the announced length (in 64 KiB steps, so bodies of about the same size share one buffer, with room
        // for the read that finds the end), within what the platform can send: 2 × the 1 MiB maxBytes ceiling. A larger
        // claim grows the buffer only as bytes actually arrive.
        if (announced >= buffer.Length && announced <= 4 * 1024 * 1024)
        {
            buffer = new byte[(announced + 1 + 0xFFFF) & ~0xFFFF];
        }
        // Read to the end even when the announced length has arrived: otherwise HttpListener drains the request itself
        // when the answer is closed, blocking until it sees the end or gives up and drops the connection.
        while (true)
        {
            if (length == buffer.Length)
            {
                // No length given, or more than it said: grow rather than cut a body short.
                byte[] larger = new byte[Math.Min(Array.MaxLength, buffer.Length * 2L)];
                buffer.AsSpan(0, length).CopyTo(larger);
                buffer = larger;
            }
            int read;
            try
            {
                read = await body.ReadAsync(buffer.AsMemory(length), cancellation);
            }
            catch (HttpListenerException)
            {
                break; // the platform hung up; keep what arrived
            }
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        return (buffer, length);
    }

    private static void Answer(HttpListenerResponse response)
    {
        try
        {
            response.StatusCode = 200;
            response.ContentLength64 = 0;
            response.Close();
        }
        catch (HttpListenerException)
        {
            // The platform went away before the answer: it retries, and the body is already ours.
        }
    }

    private static HttpListener? TryStart(int port)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://*:{port}/");
        try
        {
            listener.Start();
            return listener;
        }
        catch (HttpListenerException)
        {
            listener.Close();
            return null;
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
