using System.Buffers.Text;

namespace LokiLambdaExtension.Shell.Listener;

/// <summary>Reads one connection's requests: the head, then the body as its framing says (Content-Length or chunked),
/// within the listener's limits. Bytes read past a request stay for the next one. When a read fails,
/// <see cref="Problem"/> says how to answer (a status, 0 for none) and what to report.</summary>
internal sealed class ConnectionReader(Stream stream, ListenerLimits limits, LoopInbox deadlines) : IDisposable
{
    private const int MaxChunkLineBytes = 1024;
    private byte[] _buffer = new byte[2048];
    private int _start;
    private int _end;
    private ConnectionWait? _deadline;
    private ConnectionWait? _idle;
    /// <summary>Cancelled when the listener needs this connection's place while it waits between requests.</summary>
    private readonly CancellationTokenSource _evicted = new();
    private volatile bool _waitingForRequest;

    /// <summary>Whether the connection is between requests, waiting for the next one's first byte: the one kind the
    /// listener may close to make room (a kept-alive client opens another when it has something to send).</summary>
    public bool WaitingForRequest => _waitingForRequest;

    /// <summary>Closes the connection quietly if it is waiting between requests; a request under way is not cut.</summary>
    public void Evict()
    {
        if (_waitingForRequest)
        {
            _evicted.Cancel();
        }
    }

    /// <summary>Why the last read gave nothing; null when the client just closed or idled out between requests.</summary>
    public (int Status, string Why)? Problem { get; private set; }

    public async Task<RequestHead?> ReadHeadAsync(CancellationToken cancellation)
    {
        Problem = null;
        _deadline?.Dispose();
        _deadline = null;
        _idle?.Dispose();
        _idle = new ConnectionWait(deadlines, limits.IdleTimeout, cancellation, _evicted.Token);
        while (true)
        {
            // Heads are small: each read searches the head from its start again.
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                RequestHead? head = RequestHead.Parse(_buffer.AsSpan(_start, end));
                _start += end + 4;
                Problem = head is null ? (400, "a request that is not HTTP/1.1") : null;
                return head;
            }
            if (_end - _start >= limits.MaxHeadBytes)
            {
                Problem = (431, $"a request whose head passed {limits.MaxHeadBytes} bytes");
                return null;
            }
            if (_deadline is null && _end > _start)
            {
                StartDeadline(cancellation); // the request has begun (bytes left from the one before)
            }
            _waitingForRequest = _deadline is null;
            int read = await FillAsync(_deadline?.Token ?? _idle.Token, idle: _deadline is null);
            _waitingForRequest = false;
            if (read == 0)
            {
                Problem = _end > _start ? (0, "a connection closed in the middle of a request head") : null;
                return null;
            }
            if (_deadline is null)
            {
                StartDeadline(cancellation);
            }
        }
    }

    /// <summary>The body of the request whose head was just read, in a buffer from <paramref name="buffers"/> that the
    /// caller returns; null (with <see cref="Problem"/>) when it is refused or cut.</summary>
    public async Task<(byte[]? Body, int Length)> ReadBodyAsync(RequestHead head, BodyBuffers buffers, CancellationToken cancellation)
    {
        CancellationToken deadline = (_deadline ?? StartDeadline(cancellation)).Token;
        if (head.ContentLength is long announced && announced > limits.MaxBodyBytes)
        {
            Problem = (413, $"a request announcing {announced} bytes, more than the {limits.MaxBodyBytes} a telemetry body can be");
            return (null, 0);
        }
        int expected = (int)(head.ContentLength ?? 0);
        var body = new Body(buffers.Rent(head.Chunked ? 64 * 1024 : Math.Min(expected, ListenerLimits.FirstBufferBytes)));
        if (body.Buffer is null)
        {
            Problem = (503, "a request while other bodies being read already took the listener's memory");
            return (null, 0);
        }
        // Every way out but a whole body gives the buffer back: a reset, a cut, a deadline or a bug alike. A budget
        // kept by a failed read would refuse the platform's deliveries for the rest of the environment.
        bool handedOn = false;
        try
        {
            int length = head.Chunked ? await ReadChunksAsync(body, buffers, deadline) : await ReadLengthAsync(body, expected, buffers, deadline);
            handedOn = length >= 0;
            return handedOn ? (body.Buffer, length) : (null, 0);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Problem = (408, $"a body that did not arrive whole within {limits.RequestDeadline.TotalSeconds:F0} s");
            return (null, 0);
        }
        finally
        {
            if (!handedOn && body.Buffer is { } taken)
            {
                buffers.Return(taken);
            }
        }
    }

    /// <summary>A body of the announced length, its buffer grown as its bytes arrive.</summary>
    private async Task<int> ReadLengthAsync(Body body, int expected, BodyBuffers buffers, CancellationToken deadline)
    {
        int filled = 0;
        while (filled < expected)
        {
            if (filled == body.Buffer!.Length)
            {
                if (buffers.Grow(body.Buffer, filled, Math.Min(expected, 2 * filled)) is not { } larger)
                {
                    Problem = (503, "a body while other bodies being read already took the listener's memory");
                    return -1;
                }
                body.Buffer = larger;
            }
            int part = Math.Min(expected, body.Buffer.Length) - filled;
            if (!await ReadExactlyAsync(body.Buffer.AsMemory(filled, part), deadline))
            {
                return -1;
            }
            filled += part;
        }
        return expected;
    }

    /// <summary>Fills <paramref name="destination"/> from what was read past the head, then from the connection; false
    /// when the connection closed first.</summary>
    private async Task<bool> ReadExactlyAsync(Memory<byte> destination, CancellationToken deadline)
    {
        int filled = Take(destination.Span);
        while (filled < destination.Length)
        {
            int read = await stream.ReadAsync(destination[filled..], deadline);
            if (read == 0)
            {
                Problem = (0, $"a connection closed after {filled} of the {destination.Length} bytes its request announced");
                return false;
            }
            filled += read;
        }
        return true;
    }

    /// <summary>The body's buffer, which a chunked body grows as it arrives (an async method takes no ref).</summary>
    private sealed class Body(byte[]? buffer)
    {
        public byte[]? Buffer = buffer;
    }

    private async Task<int> ReadChunksAsync(Body body, BodyBuffers buffers, CancellationToken deadline)
    {
        int length = 0;
        while (true)
        {
            if (await ReadLineAsync(deadline) is not { } line || !TryChunkSize(line.Span, out long size))
            {
                Problem ??= (400, "a chunked body that is not well formed");
                return -1;
            }
            if (size == 0)
            {
                // Trailers, if any, up to the empty line that ends the body.
                while (await ReadLineAsync(deadline) is { Length: > 0 })
                {
                }
                return length;
            }
            // Subtracted, not added: a chunk size near long.MaxValue must not wrap past the limit.
            if (size > limits.MaxBodyBytes - length)
            {
                Problem = (413, $"a chunked body cut at {limits.MaxBodyBytes} bytes, more than a telemetry body can be");
                return -1;
            }
            if (size > body.Buffer!.Length - length)
            {
                if (buffers.Grow(body.Buffer, length, (int)(length + size)) is not { } larger)
                {
                    Problem = (503, "a chunked body while other bodies being read already took the listener's memory");
                    return -1;
                }
                body.Buffer = larger;
            }
            if (!await ReadExactlyAsync(body.Buffer.AsMemory(length, (int)size), deadline))
            {
                return -1;
            }
            length += (int)size;
            if (await ReadLineAsync(deadline) is not { Length: 0 })
            {
                Problem ??= (400, "a chunk not followed by its line end");
                return -1;
            }
        }
    }

    /// <summary>A chunk's size line (hex digits, then any extension after ';'): shared with the Extensions API's reader.</summary>
    internal static bool TryChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        ReadOnlySpan<byte> digits = line;
        int extension = digits.IndexOf((byte)';');
        digits = (extension >= 0 ? digits[..extension] : digits).Trim((byte)' ');
        return Utf8Parser.TryParse(digits, out size, out int consumed, 'X') && consumed == digits.Length && size >= 0;
    }

    /// <summary>The next line (without its CRLF), or null when the connection closed or the line is too long.</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken deadline)
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = _buffer.AsMemory(_start, end);
                _start += end + 2;
                return line;
            }
            if (_end - _start > MaxChunkLineBytes || await FillAsync(deadline, idle: false) == 0)
            {
                return null;
            }
        }
    }

    /// <summary>Copies the bytes already read past the head into <paramref name="destination"/>; returns how many.</summary>
    private int Take(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

    /// <summary>Reads more into the head buffer, compacting or growing it (up to the head limit).</summary>
    private async ValueTask<int> FillAsync(CancellationToken token, bool idle)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(limits.MaxHeadBytes + 4, _buffer.Length * 2));
        }
        try
        {
            int read = await stream.ReadAsync(_buffer.AsMemory(_end), token);
            _end += read;
            return read;
        }
        catch (OperationCanceledException) when (idle && _idle?.IsCancellationRequested == true)
        {
            return 0; // idled out between requests: close quietly
        }
    }

    private ConnectionWait StartDeadline(CancellationToken cancellation)
    {
        _deadline = new ConnectionWait(deadlines, limits.RequestDeadline, cancellation);
        return _deadline;
    }

    /// <summary>The connection is over: its waits no longer keep a deadline in the loop.</summary>
    public void Dispose()
    {
        _deadline?.Dispose();
        _idle?.Dispose();
        // _evicted is not disposed: the listener may evict at this moment (a source with no timer holds nothing to free).
    }
}
