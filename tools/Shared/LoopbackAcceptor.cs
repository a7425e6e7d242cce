using System.Net;
using System.Net.Sockets;

namespace LokiLambdaExtension.Tools;

/// <summary>A TCP listener on a free loopback port that hands each connection to a handler until stopped: the front
/// doors of the receiver (the fault relay, the TLS front) and the emulator's snapshot relay differ only in what they do
/// with a connection. Compiled into each tool that has one.</summary>
internal sealed class LoopbackAcceptor : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackAcceptor(Func<TcpClient, CancellationToken, Task> handle)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(() => AcceptAsync(handle));
    }

    public int Port { get; }

    private async Task AcceptAsync(Func<TcpClient, CancellationToken, Task> handle)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => handle(client, _stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }
}
