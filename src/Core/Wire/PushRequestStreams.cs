using Snappier;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Splits a push body (snappy-compressed <c>PushRequest</c>) into one push body per stream, without decoding the
/// streams: each top-level <c>streams</c> field (1, length-delimited) is copied as it is into a request of its own.
/// Loki answers a push of several streams with the last stream's error only, so a replay that pushed an archived
/// object whole could see a 204 while one of its streams was refused (a per-stream rate limit); pushed stream by stream,
/// every refusal is seen. An archived object is input like any other: its declared size is checked before anything
/// is allocated, and a body that is not one this extension could have written is refused whole.</summary>
internal static class PushRequestStreams
{
    private const int StreamsTag = (1 << 3) | 2; // field 1, length-delimited
    private const int FormatTag = (2 << 3) | 2; // field 2, length-delimited
    private const int LabelsTag = (1 << 3) | 2; // StreamAdapter.labels
    private const int EntriesTag = (2 << 3) | 2; // StreamAdapter.entries
    private const int HashTag = 3 << 3; // StreamAdapter.hash, a varint

    /// <summary>The largest request a body may decompress to: an archived object holds one push batch (2 MiB of lines
    /// and their metadata), far below it.</summary>
    public const int MaxRequestBytes = 64 * 1024 * 1024;

    /// <summary>The most streams an object may hold: the extension writes one per source (and per tenant); each is a
    /// request of its own when replayed.</summary>
    public const int MaxStreams = 64;

    private const int MaxExpansion = 24;

    /// <summary>The body of each stream, compressed; an <see cref="InvalidDataException"/> when the body is not a push
    /// request (not snappy, larger than <paramref name="maxRequestBytes"/> once decompressed, a field that is not where a
    /// <c>PushRequest</c> has one, a stream without labels or entries, more than <see cref="MaxStreams"/> streams).</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> body, int maxRequestBytes = MaxRequestBytes)
    {
        int at = 0;
        if (SevenBit.Read(body, ref at) is not int declared)
        {
            throw new InvalidDataException($"not a snappy block (its declared length does not read, or is more than {int.MaxValue} bytes)");
        }
        if (declared > maxRequestBytes)
        {
            throw new InvalidDataException($"it declares {declared} bytes once decompressed, more than the {maxRequestBytes} a push body can be");
        }
        if (declared > MaxExpansion * (long)body.Length + 64)
        {
            // Snappy's longest copy is 64 bytes for a 3-byte tag: a block cannot grow more than ~21 times. A header that
            // claims more lies, and would have the decompressor allocate for it.
            throw new InvalidDataException($"it declares {declared} bytes once decompressed, more than {body.Length} snappy bytes can hold");
        }
        byte[] request;
        try
        {
            request = Snappy.DecompressToArray(body);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"not a snappy block ({e.Message})", e);
        }
        var streams = new List<byte[]>();
        int position = 0;
        while (position < request.Length)
        {
            int fieldStart = position;
            int? tag = SevenBit.Read(request, ref position);
            if (tag is not (StreamsTag or FormatTag))
            {
                throw new InvalidDataException($"field {tag >> 3} (wire type {tag & 7}) is not one of a PushRequest");
            }
            if (SevenBit.Read(request, ref position) is not int length || length > request.Length - position)
            {
                throw new InvalidDataException("a field runs past the end of the request");
            }
            if (tag == StreamsTag)
            {
                if (streams.Count == MaxStreams)
                {
                    throw new InvalidDataException($"more than {MaxStreams} streams, more than the extension writes in one object");
                }
                CheckStream(request.AsSpan(position, length), streams.Count);
                streams.Add(Snappy.CompressToArray(request.AsSpan(fieldStart, position + length - fieldStart)));
            }
            position += length;
        }
        return streams;
    }

    /// <summary>A stream Loki could store: labels, and at least one entry.</summary>
    private static void CheckStream(ReadOnlySpan<byte> stream, int index)
    {
        bool labels = false, entries = false;
        int at = 0;
        while (at < stream.Length)
        {
            int? tag = SevenBit.Read(stream, ref at);
            if (tag == HashTag)
            {
                if (!SevenBit.Skip(stream, ref at))
                {
                    throw new InvalidDataException($"stream {index + 1}: its hash does not read");
                }
                continue;
            }
            if (tag is not (LabelsTag or EntriesTag) || SevenBit.Read(stream, ref at) is not int length || length > stream.Length - at)
            {
                throw new InvalidDataException($"stream {index + 1} is not a Loki stream (a field it cannot have, or one cut short)");
            }
            labels |= tag == LabelsTag && length > 0;
            entries |= tag == EntriesTag;
            at += length;
        }
        if (!labels || !entries)
        {
            throw new InvalidDataException($"stream {index + 1} has no {(labels ? "entries" : "labels")}: Loki would refuse it");
        }
    }
}
