using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>Serves one scripted connection after the other: each script is the pieces written, in order, one per
/// request read (a piece may hold a whole answer); <see cref="Close"/> ends the connection, <see cref="Drop"/> ends it
/// after reading a request, unanswered.</summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    public const string Close = "\u0000close";
    public const string Drop = "\u0000drop";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _requests = [];
    private readonly Task _serving;
    private int _connections;

    private ScriptedServer(string[][] scripts)
    {
        _listener.Start();
        _serving = ServeAsync(scripts);
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int Connections => _connections;
    public IReadOnlyList<string> Requests { get { lock (_requests) { return [.. _requests]; } } }

    public static ScriptedServer Start(params string[][] scripts) => new(scripts);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }

    private async Task ServeAsync(string[][] scripts)
    {
        foreach (string[] script in scripts)
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync();
            Interlocked.Increment(ref _connections);
            NetworkStream stream = client.GetStream();
            try
            {
                bool answering = false;
                foreach (string piece in script)
                {
                    if (piece == Drop)
                    {
                        string dropped = await ReadRequestAsync(stream);
                        lock (_requests)
                        {
                            _requests.Add(dropped);
                        }
                        break;
                    }
                    if (piece.EndsWith(Close, StringComparison.Ordinal))
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(piece[..^Close.Length]));
                        break;
                    }
                    if (!answering || piece.StartsWith("HTTP/", StringComparison.Ordinal) || piece.StartsWith("SSH", StringComparison.Ordinal))
                    {
                        string request = await ReadRequestAsync(stream);
                        lock (_requests)
                        {
                            _requests.Add(request);
                        }
                        answering = true;
                    }
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
                    await Task.Delay(5); // the client sees the answer in pieces
                }
            }
            catch (IOException)
            {
                // The client closed its end before the script was written whole (it cut a long answer): the next script.
            }
        }
    }

    private static async Task<string> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }
        string text = head.ToString();
        int at = text.IndexOf("Content-Length: ", StringComparison.Ordinal);
        if (at >= 0)
        {
            int length = int.Parse(text[(at + 16)..text.IndexOf('\r', at)]);
            byte[] body = new byte[length];
            await stream.ReadExactlyAsync(body);
            text += Encoding.UTF8.GetString(body);
        }
        return text;
    }
}
