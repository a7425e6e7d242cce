using Snappier;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Splits a push body (snappy-compressed <c>PushRequest</c>) into one push body per stream, without decoding the
/// streams: each top-level <c>streams</c> field (1, length-delimited) is copied as it is into a request of its own.
/// Loki answers a push of several streams with the last stream's error only, so a replay that pushed an archived
/// object whole could see a 204 while one of its streams was refused (a per-stream rate limit); pushed stream by stream,
/// every refusal is seen.</summary>
public static class PushRequestStreams
{
    private const int StreamsTag = (1 << 3) | 2; // field 1, length-delimited
    private const int FormatTag = (2 << 3) | 2; // field 2, length-delimited

    /// <summary>The body of each stream, compressed; an <see cref="InvalidDataException"/> when the body is not a push
    /// request (not snappy, or a field that is not where a <c>PushRequest</c> has one).</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> body)
    {
        byte[] request;
        try
        {
            request = Snappy.DecompressToArray(body);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
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
                streams.Add(Snappy.CompressToArray(request.AsSpan(fieldStart, position + length - fieldStart)));
            }
            position += length;
        }
        return streams;
    }
}
