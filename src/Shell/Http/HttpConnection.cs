using System.Buffers;
using System.Net.Sockets;

namespace LokiLambdaExtension.Shell.Http;

/// <summary>An answer read whole, or its body cut at the reader's limit (the connection is then closed).</summary>
internal sealed record HttpAnswer(AnswerHead Head, byte[] Body, bool Cut)
{
    public int Status => Head.Status;
}

/// <summary>A kept-alive connection closed by the server before it answered anything: the request may go again on a new
/// one (as HttpClient does), since nothing of it was answered.</summary>
internal sealed class StaleConnectionException(string message) : IOException(message);

/// <summary>One HTTP/1.1 connection of the extension's own, plain or TLS, one request at a time: the Extensions API's
/// (<see cref="LambdaApi.RuntimeApiConnection"/>) and Loki's (<see cref="Loki.LokiConnections"/>). A request goes out in
/// one write when it is small; its answer is read by Content-Length, chunked, or to the connection's end, interim
/// answers passed over. Its completions run on the socket's epoll thread: no thread-pool worker, no timer, no handler
/// (at 128 MB, 7.2% of a CPU, every woken thread is a context switch the function pays for).</summary>
internal sealed class HttpConnection(Socket socket, Stream stream) : IDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    /// <summary>A server sends one or two (100 Continue, 103 Early Hints); one that sends without end is not answering.</summary>
    private const int MaxInterimAnswers = 8;
    /// <summary>Up to this much body goes out in the same write as the head: one segment, one system call.</summary>
    private const int JoinedBodyBytes = 16 * 1024;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private bool _closed;

    /// <summary>Whether another request may go on it: every answer so far was read whole, and none closed it.</summary>
    public bool IsOpen => !_closed;

    /// <summary>When its last answer was read (<see cref="Environment.TickCount64"/>).</summary>
    public long IdleSinceMs { get; private set; } = Environment.TickCount64;

    /// <summary>Idle and not closed by the server as far as the socket knows (nothing readable: no end, no reset).</summary>
    public bool LooksAlive
    {
        get
        {
            try
            {
                return !_closed && !socket.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>Sends <paramref name="head"/> and <paramref name="body"/> and reads the answer, its body up to
    /// <paramref name="maxBodyBytes"/>. <paramref name="cancellation"/> closes the connection (the pending read then
    /// fails). Throws <see cref="StaleConnectionException"/> when nothing of an answer came.</summary>
    public async Task<HttpAnswer> ExchangeAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body, int maxBodyBytes, CancellationToken cancellation)
    {
        await using CancellationTokenRegistration abort = cancellation.Register(static c => ((HttpConnection)c!).Dispose(), this);
        try
        {
            await WriteAsync(head, body);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Dispose();
            throw new StaleConnectionException($"the connection failed as the request was sent: {e.Message}");
        }
        try
        {
            AnswerHead answerHead = await ReadHeadAsync(first: true);
            for (int interim = 1; answerHead.IsInterim; interim++)
            {
                answerHead = interim <= MaxInterimAnswers ? await ReadHeadAsync(first: false)
                    : throw new InvalidOperationException($"more than {MaxInterimAnswers} interim answers");
            }
            var (bytes, cut) = answerHead.Chunked ? await ReadChunkedAsync(maxBodyBytes)
                : answerHead.Length is { } length ? await ReadLengthAsync(length, maxBodyBytes)
                : await ReadToEndAsync(maxBodyBytes);
            if (cut || answerHead.Close)
            {
                Dispose();
            }
            IdleSinceMs = Environment.TickCount64;
            return new HttpAnswer(answerHead, bytes, cut);
        }
        catch (Exception e) when (e is not StaleConnectionException)
        {
            // An answer read in part leaves the connection in no known state: the next request gets a new one.
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _closed = true;
        stream.Dispose();
        socket.Dispose();
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body)
    {
        if (body.Length > JoinedBodyBytes)
        {
            await stream.WriteAsync(head);
            await stream.WriteAsync(body);
            return;
        }
        byte[] joined = ArrayPool<byte>.Shared.Rent(head.Length + body.Length);
        try
        {
            head.CopyTo(joined);
            body.CopyTo(joined.AsMemory(head.Length));
            await stream.WriteAsync(joined.AsMemory(0, head.Length + body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    private async Task<AnswerHead> ReadHeadAsync(bool first)
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                AnswerHead head = AnswerHead.Parse(_buffer.AsSpan(_start, end));
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
                read = await FillAsync();
            }
            catch (Exception e) when (first && _end == _start && e is IOException or SocketException)
            {
                Dispose();
                throw new StaleConnectionException($"the connection failed before an answer: {e.Message}");
            }
            if (read == 0)
            {
                Dispose();
                throw first && _end == _start ? new StaleConnectionException("the connection was closed before an answer")
                    : new InvalidOperationException("the connection was closed in the middle of an answer");
            }
        }
    }

    /// <summary>A body of <paramref name="length"/> bytes; past <paramref name="maxBytes"/>, cut there.</summary>
    private async Task<(byte[] Body, bool Cut)> ReadLengthAsync(long length, int maxBytes)
    {
        byte[] body = new byte[Math.Min(length, maxBytes)];
        int copied = 0;
        while (copied < body.Length)
        {
            if (_start == _end && await FillAsync() == 0)
            {
                throw new InvalidOperationException("the connection was closed in the middle of an answer");
            }
            int take = Math.Min(body.Length - copied, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(body.AsSpan(copied));
            _start += take;
            copied += take;
        }
        return (body, length > maxBytes);
    }

    private async Task<(byte[] Body, bool Cut)> ReadChunkedAsync(int maxBytes)
    {
        var body = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (_end - _start > 1024 || await FillAsync() == 0)
                {
                    throw new InvalidOperationException("an answer whose chunked framing is broken");
                }
            }
            // The listener's reading of a size line.
            if (!Listener.ConnectionReader.TryChunkSize(_buffer.AsSpan(_start, lineEnd), out long size))
            {
                throw new InvalidOperationException("an answer whose chunked framing is broken");
            }
            _start += lineEnd + 2;
            // Subtracted, not added, so that a size near the maximum cannot wrap.
            if (size > maxBytes - body.Count)
            {
                var (part, _) = await ReadLengthAsync(maxBytes - body.Count, maxBytes - body.Count);
                body.AddRange(part);
                return ([.. body], true);
            }
            var (chunk, _) = await ReadLengthAsync(size + 2, (int)size + 2); // the chunk and the line end after it
            if (chunk.AsSpan((int)size) is not [(byte)'\r', (byte)'\n'])
            {
                throw new InvalidOperationException("an answer whose chunk is not followed by its line end (or has trailers)");
            }
            if (size == 0)
            {
                return ([.. body], false);
            }
            body.AddRange(chunk.AsSpan(0, (int)size));
        }
    }

    private async Task<(byte[] Body, bool Cut)> ReadToEndAsync(int maxBytes)
    {
        var body = new List<byte>();
        while (true)
        {
            int take = Math.Min(_end - _start, maxBytes - body.Count);
            body.AddRange(_buffer.AsSpan(_start, take));
            _start += take;
            if (_start < _end)
            {
                return ([.. body], true);
            }
            if (await FillAsync() == 0)
            {
                return ([.. body], false);
            }
        }
    }

    private async ValueTask<int> FillAsync()
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
        int read = await stream.ReadAsync(_buffer.AsMemory(_end));
        _end += read;
        return read;
    }
}
