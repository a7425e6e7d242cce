using Snappier;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Snappy's block format written over its own input, so a push needs one buffer instead of two.
/// <para>A snappy block is the uncompressed length as a varint followed by elements, and the compressor works in
/// independent 64 KiB fragments whose copies never reach back across a fragment boundary. So compressing fragment by
/// fragment and concatenating the elements yields the same block as compressing the whole input at once. The input
/// sits at the end of the buffer; each fragment is compressed into a small scratch buffer and copied to the front,
/// which never overtakes input not yet read, because the gap left before the input is the sum of what each fragment
/// may grow by.</para></summary>
internal static class InPlaceSnappy
{
    /// <summary>Snappy's own fragment size (<c>kBlockSize</c>).</summary>
    private const int FragmentBytes = 1 << 16;
    private const int MaxVarintBytes = 5;

    /// <summary>The buffer length that holds <paramref name="inputLength"/> bytes of input at its end and, when done,
    /// the compressed block at its start.</summary>
    public static int BufferLength(int inputLength)
    {
        int fullFragments = inputLength / FragmentBytes;
        int rest = inputLength % FragmentBytes;
        long length = MaxVarintBytes + (long)fullFragments * Snappy.GetMaxCompressedLength(FragmentBytes)
                      + (rest > 0 ? Snappy.GetMaxCompressedLength(rest) : 0);
        return checked((int)length);
    }

    /// <summary>The scratch a fragment is compressed into before it is copied to the front.</summary>
    public static int ScratchLength { get; } = Snappy.GetMaxCompressedLength(FragmentBytes);

    /// <summary>Compresses the last <paramref name="inputLength"/> bytes of <paramref name="buffer"/> (which is
    /// <see cref="BufferLength"/> long) into a snappy block at its start; returns the block's length. The input is
    /// overwritten.</summary>
    public static int Compress(Span<byte> buffer, int inputLength, Span<byte> scratch)
    {
        if (buffer.Length != BufferLength(inputLength))
        {
            throw new ArgumentException($"the buffer must be BufferLength({inputLength}) = {BufferLength(inputLength)} bytes, not {buffer.Length}", nameof(buffer));
        }
        int read = buffer.Length - inputLength;
        int written = SevenBit.Write((uint)inputLength, buffer);
        while (read < buffer.Length)
        {
            int fragmentLength = Math.Min(FragmentBytes, buffer.Length - read);
            int compressed = Snappy.Compress(buffer.Slice(read, fragmentLength), scratch);
            read += fragmentLength;
            // Each fragment was compressed as a block of its own: drop that block's length prefix.
            int prefix = 0;
            SevenBit.Skip(scratch, ref prefix);
            ReadOnlySpan<byte> elements = scratch[prefix..compressed];
            elements.CopyTo(buffer[written..read]);
            written += elements.Length;
        }
        return written;
    }
}
