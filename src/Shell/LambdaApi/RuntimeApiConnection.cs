using System.Net;
using System.Net.Sockets;
using System.Text;
using LokiLambdaExtension.Shell.Http;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>An answer of the Extensions API: its status, the one header the extension reads, and its body.</summary>
internal sealed record RuntimeApiAnswer(int Status, string? Identifier, byte[] Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>HTTP/1.1 to the Extensions API over one kept-alive loopback connection of its own (an
/// <see cref="HttpConnection"/>), instead of an HttpClient: the API is plain HTTP on the sandbox's own address, and the
/// client's handler, connection pool and thread-pool hops cost a 128 MB function (7.2% of a CPU) a third of the
/// extension's start-up CPU and several context switches per <c>/event/next</c>. A request sent on a kept connection
/// that the API had closed (nothing of an answer read) is sent once more on a new one, as HttpClient does. Never
/// proxied, never redirected.</summary>
internal sealed class RuntimeApiConnection(string runtimeApi) : IDisposable
{
    /// <summary>Far above any event (a few hundred bytes): an answer that passes it is not the Extensions API's.</summary>
    private const int MaxBodyBytes = 1024 * 1024;
    private HttpConnection? _connection;

    public async Task<RuntimeApiAnswer> SendAsync(string method, string path, string? identifier, ReadOnlyMemory<byte> body,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        byte[] head = Head(method, path, identifier, body.Length, headers);
        bool reused = _connection is { IsOpen: true };
        try
        {
            return await ExchangeAsync(head, body);
        }
        catch (StaleConnectionException) when (reused)
        {
            return await ExchangeAsync(head, body);
        }
    }

    public void Dispose() => _connection?.Dispose();

    private async Task<RuntimeApiAnswer> ExchangeAsync(byte[] head, ReadOnlyMemory<byte> body)
    {
        if (_connection is not { IsOpen: true })
        {
            _connection = Connect();
        }
        HttpAnswer answer = await _connection.ExchangeAsync(head, body, MaxBodyBytes, CancellationToken.None);
        if (answer.Cut)
        {
            throw new InvalidOperationException($"an answer of more than {MaxBodyBytes} bytes");
        }
        return new RuntimeApiAnswer(answer.Status, answer.Head.Value("lambda-extension-identifier"u8), answer.Body);
    }

    private HttpConnection Connect()
    {
        int colon = runtimeApi.LastIndexOf(':');
        string host = colon > 0 ? runtimeApi[..colon].Trim('[', ']') : runtimeApi;
        int port = colon > 0 && int.TryParse(runtimeApi.AsSpan(colon + 1), out int given) ? given : 80;
        IPAddress address = IPAddress.TryParse(host, out IPAddress? literal) ? literal
            : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new IOException($"{host} has no address");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(address, port);
            return new HttpConnection(socket, new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private byte[] Head(string method, string path, string? identifier, int bodyLength, IEnumerable<(string Name, string Value)>? headers)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {runtimeApi}\r\n");
        if (identifier is not null)
        {
            head.Append($"Lambda-Extension-Identifier: {identifier}\r\n");
        }
        foreach (var (name, value) in headers ?? [])
        {
            head.Append($"{name}: {value}\r\n");
        }
        if (bodyLength > 0 || method != "GET")
        {
            head.Append($"Content-Type: application/json\r\nContent-Length: {bodyLength}\r\n");
        }
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }
}
