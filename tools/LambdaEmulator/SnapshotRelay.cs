using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>An HTTP relay in front of Loki that does to connections what a SnapStart restore does: after
/// <see cref="Snapshot"/>, every connection open at that moment stops answering, without a reset or a close (the
/// peer on the other side of a snapshot is long gone). Bytes the extension still writes on one are counted: a restored
/// extension that reuses a connection from before the snapshot shows up in <see cref="BytesOnStaleConnections"/>.
/// The project's receiver answers one request per connection (for its faults); Loki keeps connections alive. So the
/// relay keeps the client's connection open across requests, as Loki would, and opens one to the receiver for each
/// request: without that, no connection would outlive a push, and the snapshot would have none to kill.</summary>
internal sealed class SnapshotRelay : IAsyncDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private readonly LoopbackAcceptor _acceptor;
    private readonly IPEndPoint _target;
    private readonly List<Link> _links = [];
    private readonly CancellationTokenSource _stop = new();
    private long _bytesOnStale;

    private SnapshotRelay(IPEndPoint target)
    {
        _target = target;
        _acceptor = new LoopbackAcceptor(ServeAsync);
    }

    public int Port => _acceptor.Port;

    public long BytesOnStaleConnections => Interlocked.Read(ref _bytesOnStale);

    /// <summary>A relay to <paramref name="pushUrl"/>'s host and port, and the URL that goes through it; null for a
    /// URL it cannot relay (https: the certificate names the real host).</summary>
    public static (SnapshotRelay Relay, string RelayedUrl)? For(string pushUrl)
    {
        if (!Uri.TryCreate(pushUrl, UriKind.Absolute, out Uri? uri) || uri.Scheme != "http"
            || !IPAddress.TryParse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host, out IPAddress? address))
        {
            return null;
        }
        var relay = new SnapshotRelay(new IPEndPoint(address, uri.Port));
        return (relay, new UriBuilder(uri) { Host = "127.0.0.1", Port = relay.Port }.Uri.ToString());
    }

    /// <summary>Every connection open now goes silent for good.</summary>
    public void Snapshot()
    {
        lock (_links)
        {
            foreach (Link link in _links)
            {
                link.Stale = true;
            }
        }
    }

    /// <summary>One request after the other on the client's connection, each sent to the receiver on a connection of
    /// its own; once stale, everything the client sends is swallowed and nothing is answered.</summary>
    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        var link = new Link(client.Client);
        lock (_links)
        {
            _links.Add(link);
        }
        var pending = new List<byte>();
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await link.Client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }
                if (link.Stale)
                {
                    Interlocked.Add(ref _bytesOnStale, read);
                    continue;
                }
                pending.AddRange(buffer.AsSpan(0, read));
                while (WholeRequest(pending) is int length)
                {
                    byte[] request = [.. pending.GetRange(0, length)];
                    pending.RemoveRange(0, length);
                    if (await ForwardAsync(request) is not { } answer)
                    {
                        link.Client.LingerState = new LingerOption(true, 0); // the receiver cut it: so does the relay
                        link.Close();
                        return;
                    }
                    await link.Client.SendAsync(answer, SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        if (!link.Stale)
        {
            link.Close();
        }
    }

    /// <summary>The length of the first request in <paramref name="bytes"/> when all of it is there (head and a
    /// Content-Length body).</summary>
    private static int? WholeRequest(List<byte> bytes)
    {
        byte[] head = [.. bytes];
        int end = head.AsSpan().IndexOf(HeadEnd);
        if (end < 0)
        {
            return null;
        }
        int length = 0;
        foreach (string line in Encoding.ASCII.GetString(head, 0, end).Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        int total = end + HeadEnd.Length + length;
        return bytes.Count >= total ? total : null;
    }

    /// <summary>The receiver's whole answer, with its <c>Connection: close</c> taken out (the client's connection stays
    /// open); null when it cut the connection without one.</summary>
    private async Task<byte[]?> ForwardAsync(byte[] request)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await upstream.ConnectAsync(_target, _stop.Token);
        await upstream.SendAsync(request, SocketFlags.None, _stop.Token);
        using var answer = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await upstream.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (answer.Length == 0)
        {
            return null;
        }
        if (answer.Length == 0)
        {
            return null;
        }
        byte[] bytes = answer.ToArray();
        int end = bytes.AsSpan().IndexOf(HeadEnd);
        string head = Encoding.ASCII.GetString(bytes, 0, end);
        string kept = string.Join("\r\n", head.Split("\r\n").Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)));
        return [.. Encoding.ASCII.GetBytes(kept), .. bytes.AsSpan(end)];
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _acceptor.DisposeAsync();
        lock (_links)
        {
            foreach (Link link in _links)
            {
                link.Close();
            }
        }
    }

    private sealed class Link(Socket client)
    {
        public volatile bool Stale;

        public Socket Client => client;

        public void Close() => client.Dispose();
    }
}
