using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>The receiver's front door: relays each connection to the HTTP listener behind it, one request per
/// connection, and cuts the client's connection (a TCP reset, no answer at all) when the listener marks its response
/// with status <see cref="DropStatus"/>. HttpListener cannot drop a connection by itself: its Abort still writes a
/// default 200, which would make a "dropped" push look stored.</summary>
internal sealed class FaultRelay : IAsyncDisposable
{
    public const int DropStatus = 599;
    private static readonly byte[] DropStatusLine = Encoding.ASCII.GetBytes($" {DropStatus} ");

    private readonly IPEndPoint _upstream;
    private readonly LoopbackAcceptor _acceptor;

    public FaultRelay(IPEndPoint upstream)
    {
        _upstream = upstream;
        _acceptor = new LoopbackAcceptor(RelayAsync);
    }

    public int Port => _acceptor.Port;

    private async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        try
        {
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_upstream, stop);
            NetworkStream toClient = client.GetStream();
            NetworkStream toUpstream = upstream.GetStream();
            _ = toClient.CopyToAsync(toUpstream, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            // The listener closes after each response (no keep-alive), so the whole response is what it sends.
            using var response = new MemoryStream();
            await toUpstream.CopyToAsync(response, stop);
            byte[] bytes = response.ToArray();
            int lineEnd = Array.IndexOf(bytes, (byte)'\n');
            if (lineEnd > 0 && bytes.AsSpan(0, lineEnd).IndexOf(DropStatusLine) >= 0)
            {
                client.Client.LingerState = new LingerOption(true, 0); // close with RST: the client gets no answer
                client.Close();
                return;
            }
            await toClient.WriteAsync(bytes, stop);
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();
}
