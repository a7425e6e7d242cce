using System.Buffers;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>The HTTP body of a push: the protobuf <c>PushRequest</c> compressed with snappy's block format
/// (what Loki's <c>/loki/api/v1/push</c> expects for <c>application/x-protobuf</c>).</summary>
internal static class PushRequestBody
{
    /// <summary>Push buffers come from a pool of their own that keeps one array per size class. The core has one batch
    /// in flight at a time (a push request per stream, the function's the largest), so those arrays are reused batch
    /// after batch. The shared pool caches arrays per thread, and a
    /// push is encoded on one thread and returned on another: it kept several 2–4 MiB arrays alive. With this pool and
    /// one buffer per push, the large-object heap at the 50,000-line bench's peak went from 18–23 MB to 6–7 MB.</summary>
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(64 * 1024 * 1024, maxArraysPerBucket: 3);

    /// <summary>Encodes and compresses into one pooled buffer (see <see cref="InPlaceSnappy"/>); the caller disposes
    /// the result.</summary>
    internal static PooledBuffer Create(ReadOnlySpan<LogEntry> entries, StreamLabels labels) =>
        Create(entries, labels, [StreamKind.Function, StreamKind.Platform, StreamKind.Extension]);

    /// <summary>The push request of one stream's entries: each stream is pushed on its own (see
    /// <see cref="Lifecycle.StreamOutcomes"/>).</summary>
    internal static PooledBuffer Create(ReadOnlySpan<LogEntry> entries, StreamLabels labels, StreamKind stream) =>
        Create(entries, labels, [stream]);

    private static PooledBuffer Create(ReadOnlySpan<LogEntry> entries, StreamLabels labels, ReadOnlySpan<StreamKind> streams)
    {
        // Each entry is sized once: the lengths measured for the buffer are the ones its prefixes are written from.
        int[] entryLengths = ArrayPool<int>.Shared.Rent(entries.Length);
        Span<int> streamLengths = stackalloc int[streams.Length];
        int encodedLength = PushRequestEncoder.Size(entries, labels, streams, entryLengths, streamLengths);
        int bufferLength = InPlaceSnappy.BufferLength(encodedLength);
        byte[] buffer = Buffers.Rent(bufferLength);
        byte[] scratch = Buffers.Rent(InPlaceSnappy.ScratchLength);
        try
        {
            Span<byte> block = buffer.AsSpan(0, bufferLength);
            PushRequestEncoder.Write(entries, labels, block[^encodedLength..], streams, entryLengths, streamLengths);
            return new PooledBuffer(Buffers, buffer, InPlaceSnappy.Compress(block, encodedLength, scratch));
        }
        catch
        {
            Buffers.Return(buffer);
            throw;
        }
        finally
        {
            Buffers.Return(scratch);
            ArrayPool<int>.Shared.Return(entryLengths);
        }
    }
}
