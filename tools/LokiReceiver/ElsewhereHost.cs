using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>A host the extension must never reach: what a redirect points to, or a listing or a key tries to reach.
/// It answers 200 to anything (as a host that took a redirected GET would, so that a client which followed it would
/// believe it had succeeded) and keeps every request head it was sent, to show that none came. Given a status and a
/// <c>Location</c>, it answers every request with that redirect instead: a proxy before S3 or Loki that redirects.</summary>
public sealed class ElsewhereHost : IAsyncDisposable
{
    private readonly LoopbackAcceptor _acceptor;
    private readonly List<string> _requests = [];
    private readonly byte[] _answer;

    public ElsewhereHost(int status = 200, string? location = null)
    {
        _answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Redirect")}\r\n" +
            (location is null ? "" : $"Location: {location}\r\n") + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        _acceptor = new LoopbackAcceptor(ServeAsync);
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{_acceptor.Port}");

    /// <summary>The head of every request that reached this host.</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) { return [.. _requests]; } } }

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var head = new StringBuilder();
                byte[] buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int read = await stream.ReadAsync(buffer, stop);
                    if (read == 0)
                    {
                        break;
                    }
                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }
                string text = head.ToString();
                lock (_requests)
                {
                    _requests.Add(text);
                }
                // The body too, as far as it is announced, so that the answer is read rather than cut by a reset.
                int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                var length = System.Text.RegularExpressions.Regex.Match(text, @"(?i)content-length:\s*(\d+)");
                long remaining = headEnd < 0 || !length.Success ? 0 : long.Parse(length.Groups[1].Value) - (Encoding.Latin1.GetByteCount(text) - headEnd - 4);
                while (remaining > 0)
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), stop);
                    if (read == 0)
                    {
                        break;
                    }
                    remaining -= read;
                }
                await stream.WriteAsync(_answer, stop);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }
}
