using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LokiLambdaExtension.Shell.Listener;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>HTTP/1.1 to the Extensions API over one kept-alive loopback connection of its own, instead of an
/// HttpClient: the API is plain HTTP on the sandbox's own address, and the client's handler, connection pool and
/// thread-pool hops cost a 128 MB function (7.2% of a CPU) a third of the extension's start-up CPU and several context
/// switches per <c>/event/next</c>. A request goes out in one write; its answer is read by Content-Length, chunked, or
/// to the connection's end. A request sent on a kept connection that the API had closed (nothing of an answer read) is
/// sent once more on a new one, as HttpClient does. Never proxied, never redirected.</summary>
internal sealed class RuntimeApiConnection(string runtimeApi) : IDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    /// <summary>Far above any event (a few hundred bytes): an answer that passes it is not the Extensions API's.</summary>
    private const int MaxBodyBytes = 1024 * 1024;
    private Socket? _socket;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public async Task<RuntimeApiAnswer> SendAsync(string method, string path, string? identifier, ReadOnlyMemory<byte> body,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        byte[] request = Request(method, path, identifier, body.Span, headers);
        bool reused = _socket is not null;
        try
        {
            return await ExchangeAsync(request);
        }
        catch (StaleConnectionException) when (reused)
        {
            return await ExchangeAsync(request);
        }
    }

    public void Dispose() => Close();

    private async Task<RuntimeApiAnswer> ExchangeAsync(byte[] request)
    {
        Socket socket = _socket ??= Connect();
        try
        {
            socket.Send(request); // loopback, a few hundred bytes: written at once
        }
        catch (SocketException e)
        {
            Close();
            throw new StaleConnectionException(e.Message);
        }
        try
        {
            var (status, identifier, length, chunked, close) = await ReadHeadAsync(socket);
            byte[] body = chunked ? await ReadChunkedAsync(socket) : length is { } known ? await ReadExactlyAsync(socket, known) : await ReadToEndAsync(socket);
            if (close)
            {
                Close();
            }
            return new RuntimeApiAnswer(status, identifier, body);
        }
        catch (Exception e) when (e is not StaleConnectionException)
        {
            // An answer read in part leaves the connection in no known state: the next request gets a new one.
            Close();
            throw;
        }
    }

    private Socket Connect()
    {
        _start = _end = 0;
        int colon = runtimeApi.LastIndexOf(':');
        string host = colon > 0 ? runtimeApi[..colon].Trim('[', ']') : runtimeApi;
        int port = colon > 0 && int.TryParse(runtimeApi.AsSpan(colon + 1), out int given) ? given : 80;
        IPAddress address = IPAddress.TryParse(host, out IPAddress? literal) ? literal
            : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new IOException($"{host} has no address");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(address, port);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private byte[] Request(string method, string path, string? identifier, ReadOnlySpan<byte> body, IEnumerable<(string Name, string Value)>? headers)
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
        if (!body.IsEmpty || method != "GET")
        {
            head.Append($"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        }
        string text = head.Append("\r\n").ToString();
        byte[] request = new byte[Encoding.ASCII.GetByteCount(text) + body.Length];
        int written = Encoding.ASCII.GetBytes(text, request);
        body.CopyTo(request.AsSpan(written));
        return request;
    }

    private async Task<(int Status, string? Identifier, long? Length, bool Chunked, bool Close)> ReadHeadAsync(Socket socket)
    {
        bool first = true;
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = RuntimeApiAnswers.ParseHead(_buffer.AsSpan(_start, end));
                _start += end + 4;
                return head;
            }
            if (_end - _start >= MaxHeadBytes)
            {
                throw new InvalidOperationException($"an answer whose head passed {MaxHeadBytes} bytes");
            }
            int read;
            try
            {
                read = await FillAsync(socket);
            }
            catch (SocketException e) when (first)
            {
                Close();
                throw new StaleConnectionException(e.Message);
            }
            if (read == 0)
            {
                Close();
                throw first ? new StaleConnectionException("the connection was closed before an answer")
                    : new InvalidOperationException("the connection was closed in the middle of an answer");
            }
            first = false;
        }
    }

    private async Task<byte[]> ReadExactlyAsync(Socket socket, long length)
    {
        if (length > MaxBodyBytes)
        {
            throw new InvalidOperationException($"an answer of {length} bytes (at most {MaxBodyBytes} are read)");
        }
        byte[] body = new byte[length];
        int copied = 0;
        while (copied < body.Length)
        {
            if (_start == _end && await FillAsync(socket) == 0)
            {
                throw new InvalidOperationException("the connection was closed in the middle of an answer");
            }
            int take = Math.Min(body.Length - copied, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(body.AsSpan(copied));
            _start += take;
            copied += take;
        }
        return body;
    }

    private async Task<byte[]> ReadChunkedAsync(Socket socket)
    {
        var body = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (_end - _start > 1024 || await FillAsync(socket) == 0)
                {
                    throw new InvalidOperationException("an answer whose chunked framing is broken");
                }
            }
            // The listener's reading of a size line; subtracted, not added, so that a size near the maximum cannot wrap.
            if (!ConnectionReader.TryChunkSize(_buffer.AsSpan(_start, lineEnd), out long size) || size > MaxBodyBytes - body.Count)
            {
                throw new InvalidOperationException("an answer whose chunked framing is broken or too large");
            }
            _start += lineEnd + 2;
            byte[] chunk = await ReadExactlyAsync(socket, size + 2); // the chunk and the line end after it
            if (chunk.AsSpan((int)size) is not [(byte)'\r', (byte)'\n'])
            {
                throw new InvalidOperationException("an answer whose chunk is not followed by its line end (or has trailers)");
            }
            if (size == 0)
            {
                return [.. body];
            }
            body.AddRange(chunk.AsSpan(0, (int)size));
        }
    }

    private async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var body = new List<byte>();
        while (true)
        {
            body.AddRange(_buffer.AsSpan(_start, _end - _start));
            _start = _end;
            if (body.Count > MaxBodyBytes)
            {
                throw new InvalidOperationException($"an answer of more than {MaxBodyBytes} bytes");
            }
            if (await FillAsync(socket) == 0)
            {
                return [.. body];
            }
        }
    }

    private async ValueTask<int> FillAsync(Socket socket)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
        _end += read;
        return read;
    }

    /// <summary>A kept connection that the API had closed: nothing was answered, the request may go again.</summary>
    private sealed class StaleConnectionException(string message) : IOException(message);
}
