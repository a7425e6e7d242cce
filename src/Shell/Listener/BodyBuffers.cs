namespace LokiLambdaExtension.Shell.Listener;

/// <summary>Buffers for the bodies being read, within a budget for all of them together. One buffer (the largest
/// returned) is kept for the next body: the platform sends one body after the other, so in the steady state no body
/// allocates, and no more than one idle buffer is held (the shared pool would keep every size it had been asked for).</summary>
internal sealed class BodyBuffers(long budget)
{
    private readonly object _gate = new();
    private byte[]? _kept;
    private long _inFlight;

    /// <summary>The budget taken by bodies being read (the kept buffer is not counted).</summary>
    public long InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>A buffer of at least <paramref name="length"/> bytes (in 64 KiB steps), or null when the budget for bodies
    /// being read at once is spent.</summary>
    public byte[]? Rent(int length)
    {
        int size = (int)Math.Min(Array.MaxLength, ((long)length + 0xFFFF) & ~0xFFFFL);
        lock (_gate)
        {
            if (_inFlight + size > budget)
            {
                return null;
            }
            _inFlight += size;
            if (_kept is { } kept && kept.Length >= size)
            {
                _kept = null;
                _inFlight += kept.Length - size;
                return kept;
            }
        }
        return new byte[size];
    }

    /// <summary>A larger buffer for a body that outgrew <paramref name="buffer"/>, its bytes copied, the old one
    /// returned; null past the budget (the caller still holds the old one).</summary>
    public byte[]? Grow(byte[] buffer, int used, int atLeast)
    {
        byte[]? larger = Rent(Math.Max(atLeast, buffer.Length * 2));
        if (larger is not null)
        {
            buffer.AsSpan(0, used).CopyTo(larger);
            Return(buffer);
        }
        return larger;
    }

    public void Return(byte[] buffer)
    {
        lock (_gate)
        {
            _inFlight -= buffer.Length;
            if (_kept is null || _kept.Length < buffer.Length)
            {
                _kept = buffer;
            }
        }
    }
}
