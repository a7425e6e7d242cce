using System.Buffers;
using Snappier;

namespace LokiLambdaExtension.Core.Loki;

/// <summary>The HTTP body of a push: the protobuf <c>PushRequest</c> compressed with snappy's block format
/// (what Loki's <c>/loki/api/v1/push</c> expects for <c>application/x-protobuf</c>).</summary>
public static class PushRequestBody
{
    /// <summary>Encodes and compresses into pooled memory; the caller disposes the result.</summary>
    public static PooledBuffer Create(ReadOnlySpan<LogEntry> entries, StreamLabels labels)
    {
        int length = PushRequestEncoder.GetEncodedLength(entries, labels);
        byte[] encoded = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = PushRequestEncoder.Encode(entries, labels, encoded);
            byte[] compressed = ArrayPool<byte>.Shared.Rent(Snappy.GetMaxCompressedLength(written));
            int compressedLength = Snappy.Compress(encoded.AsSpan(0, written), compressed);
            return new PooledBuffer(compressed, compressedLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }
}
