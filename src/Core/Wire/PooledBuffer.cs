using System.Buffers;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>A rented array exposed as memory of an exact length; returned to the pool exactly once on dispose.</summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _array;
    private readonly int _length;

    internal PooledBuffer(ArrayPool<byte> pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        _length = length;
    }

    public Memory<byte> Memory => _array is { } array
        ? array.AsMemory(0, _length)
        : throw new ObjectDisposedException(nameof(PooledBuffer));

    public int Length => _length;

    public void Dispose()
    {
        byte[]? array = _array;
        _array = null; // clear before returning, so a second Dispose cannot return it twice
        if (array is not null)
        {
            _pool.Return(array);
        }
    }
}
