using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>A proxy that the environment names for Loki's URL carries the pushes (HttpClient's way, as before the
/// extension kept its own connections to Loki); <c>NO_PROXY</c> takes a host out of it, and the pushes then go straight.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class ProxyTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task HttpProxy_CarriesThePush()
    {
        await using var loki = LokiReceiver.Start();
        using var proxy = ForwardProxy.Start();

        var (code, output) = await Check(loki, new() { ["HTTP_PROXY"] = proxy.Url });

        Assert.True(code == 0, output);
        Assert.Equal($"POST {loki.BaseUrl}loki/api/v1/push HTTP/1.1", Assert.Single(proxy.RequestLines));
        Assert.Single(loki.Entries);
    }

    [Fact]
    public async Task NoProxy_NamingLokisHost_SendsThePushStraight()
    {
        await using var loki = LokiReceiver.Start();
        using var proxy = ForwardProxy.Start();

        var (code, output) = await Check(loki, new() { ["HTTP_PROXY"] = proxy.Url, ["NO_PROXY"] = loki.BaseUrl.Host });

        Assert.True(code == 0, output);
        Assert.Empty(proxy.RequestLines);
        Assert.Single(loki.Entries);
    }

    private Task<(int ExitCode, string Output)> Check(LokiReceiver loki, Dictionary<string, string> environment)
    {
        environment["LOKI_PUSH_URL"] = loki.BaseUrl.ToString();
        return ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));
    }

    /// <summary>An HTTP forward proxy of one request per connection: it notes the request line (absolute-form, as a
    /// client sends it to a proxy), sends the request on to the origin in origin-form, and relays the answer.</summary>
    private sealed class ForwardProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<string> _requestLines = [];

        private ForwardProxy()
        {
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public IReadOnlyList<string> RequestLines { get { lock (_requestLines) { return [.. _requestLines]; } } }

        public static ForwardProxy Start() => new();

        public void Dispose() => _listener.Stop();

        private async Task ServeAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            {
                NetworkStream fromClient = client.GetStream();
                string head = await ReadHeadAsync(fromClient);
                string requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
                lock (_requestLines)
                {
                    _requestLines.Add(requestLine);
                }
                string[] parts = requestLine.Split(' ');
                var target = new Uri(parts[1]);
                int at = head.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
                byte[] body = new byte[at < 0 ? 0 : int.Parse(head[(at + 16)..head.IndexOf('\r', at)])];
                await fromClient.ReadExactlyAsync(body);

                using var origin = new TcpClient();
                await origin.ConnectAsync(target.Host, target.Port);
                NetworkStream toOrigin = origin.GetStream();
                string originHead = $"{parts[0]} {target.PathAndQuery} {parts[2]}{head[requestLine.Length..]}"
                    .Replace("Proxy-Connection: Keep-Alive\r\n", "", StringComparison.OrdinalIgnoreCase);
                await toOrigin.WriteAsync(Encoding.ASCII.GetBytes(originHead));
                await toOrigin.WriteAsync(body);
                await toOrigin.CopyToAsync(fromClient); // the receiver closes after its answer
            }
        }

        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            byte[] one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            {
                head.Append((char)one[0]);
            }
            return head.ToString();
        }
    }
}
