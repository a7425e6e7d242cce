using System.Buffers;
using System.Runtime.CompilerServices;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Encodes entries as Loki's <c>PushRequest</c> protobuf (loki pkg/push/push.proto) without allocating:
/// <see cref="GetEncodedLength"/> sizes the buffer, <see cref="Encode"/> writes into it and returns the count; a push
/// body sizes once (<see cref="Size"/>) and writes from those lengths (<see cref="Write"/>).
/// Entries are grouped into one <c>StreamAdapter</c> per <see cref="StreamKind"/>, keeping their order within a stream.</summary>
internal static class PushRequestEncoder
{
    // PushRequest
    private const int StreamsField = 1;
    // StreamAdapter
    private const int LabelsField = 1;
    private const int EntriesField = 2;
    // EntryAdapter
    private const int TimestampField = 1;
    private const int LineField = 2;
    private const int StructuredMetadataField = 3;
    // google.protobuf.Timestamp and LabelPairAdapter
    private const int SecondsField = 1;
    private const int NanosField = 2;
    private const int NameField = 1;
    private const int ValueField = 2;

    private static readonly StreamKind[] StreamOrder = [StreamKind.Function, StreamKind.Platform, StreamKind.Extension];

    public static int GetEncodedLength(ReadOnlySpan<LogEntry> entries, StreamLabels labels) => GetEncodedLength(entries, labels, StreamOrder);

    /// <summary>The length of a push request holding only the entries of <paramref name="streams"/>.</summary>
    public static int GetEncodedLength(ReadOnlySpan<LogEntry> entries, StreamLabels labels, ReadOnlySpan<StreamKind> streams)
    {
        int[] entryLengths = ArrayPool<int>.Shared.Rent(entries.Length);
        try
        {
            return Size(entries, labels, streams, entryLengths, stackalloc int[streams.Length]);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(entryLengths);
        }
    }

    /// <summary>Writes the push request into <paramref name="destination"/>, which must hold
    /// <see cref="GetEncodedLength"/> bytes, and returns the number of bytes written.</summary>
    public static int Encode(ReadOnlySpan<LogEntry> entries, StreamLabels labels, Span<byte> destination) =>
        Encode(entries, labels, destination, StreamOrder);

    /// <summary>Writes a push request holding only the entries of <paramref name="streams"/>.</summary>
    public static int Encode(ReadOnlySpan<LogEntry> entries, StreamLabels labels, Span<byte> destination, ReadOnlySpan<StreamKind> streams)
    {
        int[] entryLengths = ArrayPool<int>.Shared.Rent(entries.Length);
        try
        {
            Span<int> streamLengths = stackalloc int[streams.Length];
            Size(entries, labels, streams, entryLengths, streamLengths);
            return Write(entries, labels, destination, streams, entryLengths, streamLengths);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(entryLengths);
        }
    }

    /// <summary>Sizes the request once: each entry's encoded length into <paramref name="entryLengths"/> (by index),
    /// each stream's message length into <paramref name="streamLengths"/> (-1 for a stream with no entry), so that
    /// <see cref="Write"/> writes every length prefix from them instead of sizing each entry again.</summary>
    public static int Size(ReadOnlySpan<LogEntry> entries, StreamLabels labels, ReadOnlySpan<StreamKind> streams,
        Span<int> entryLengths, Span<int> streamLengths)
    {
        int length = 0;
        for (int s = 0; s < streams.Length; s++)
        {
            int streamLength = 0;
            bool any = false;
            for (int i = 0; i < entries.Length; i++)
            {
                if (entries[i].Stream == streams[s])
                {
                    any = true;
                    int entryLength = entryLengths[i] = EntryLength(in entries[i]);
                    streamLength += ProtobufSize.LengthDelimitedField(EntriesField, entryLength);
                }
            }
            streamLengths[s] = any ? streamLength + ProtobufSize.StringField(LabelsField, labels.For(streams[s])) : -1;
            if (any)
            {
                length += ProtobufSize.LengthDelimitedField(StreamsField, streamLengths[s]);
            }
        }
        return length;
    }

    /// <summary>Writes the request <see cref="Size"/> measured, from its lengths.</summary>
    public static int Write(ReadOnlySpan<LogEntry> entries, StreamLabels labels, Span<byte> destination, ReadOnlySpan<StreamKind> streams,
        ReadOnlySpan<int> entryLengths, ReadOnlySpan<int> streamLengths)
    {
        var writer = new ProtobufWriter(destination);
        for (int s = 0; s < streams.Length; s++)
        {
            if (streamLengths[s] < 0)
            {
                continue;
            }
            writer.WriteMessageHeader(StreamsField, streamLengths[s]);
            writer.WriteStringField(LabelsField, labels.For(streams[s]));
            for (int i = 0; i < entries.Length; i++)
            {
                if (entries[i].Stream == streams[s])
                {
                    WriteEntry(ref writer, in entries[i], entryLengths[i]);
                }
            }
        }
        return writer.Position;
    }

    private static int EntryLength(in LogEntry entry)
    {
        var (seconds, nanos) = SplitTimestamp(entry.UnixNanos);
        return ProtobufSize.LengthDelimitedField(TimestampField, TimestampLength(seconds, nanos))
               + ProtobufSize.StringField(LineField, entry.Line.Span)
               + entry.Metadata.Wire.Length;
    }

    /// <summary>Structured metadata as an <c>EntryAdapter</c>'s fields (see <see cref="MetadataPairs.Wire"/>).</summary>
    public static byte[] StructuredMetadata(ReadOnlySpan<MetadataPair> pairs)
    {
        int length = 0;
        foreach (ref readonly MetadataPair pair in pairs)
        {
            length += ProtobufSize.LengthDelimitedField(StructuredMetadataField, PairLength(in pair));
        }
        byte[] wire = new byte[length];
        var writer = new ProtobufWriter(wire);
        foreach (ref readonly MetadataPair pair in pairs)
        {
            writer.WriteMessageHeader(StructuredMetadataField, PairLength(in pair));
            writer.WriteStringField(NameField, pair.NameUtf8);
            writer.WriteStringField(ValueField, pair.ValueUtf8);
        }
        return wire;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TimestampLength(long seconds, int nanos) =>
        ProtobufSize.VarintField(SecondsField, (ulong)seconds) + ProtobufSize.VarintField(NanosField, (ulong)nanos);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PairLength(in MetadataPair pair) =>
        ProtobufSize.StringField(NameField, pair.NameBytes) + ProtobufSize.StringField(ValueField, pair.ValueBytes);

    private static void WriteEntry(ref ProtobufWriter writer, in LogEntry entry, int entryLength)
    {
        writer.WriteMessageHeader(EntriesField, entryLength);
        var (seconds, nanos) = SplitTimestamp(entry.UnixNanos);
        writer.WriteMessageHeader(TimestampField, TimestampLength(seconds, nanos));
        writer.WriteVarintField(SecondsField, (ulong)seconds);
        writer.WriteVarintField(NanosField, (ulong)nanos);
        writer.WriteStringField(LineField, entry.Line.Span);
        writer.WriteRaw(entry.Metadata.Wire);
    }

    /// <summary>google.protobuf.Timestamp wants non-negative nanos, so seconds are floored.</summary>
    private static (long Seconds, int Nanos) SplitTimestamp(long unixNanos)
    {
        long seconds = Math.DivRem(unixNanos, 1_000_000_000L, out long nanos);
        if (nanos < 0)
        {
            seconds -= 1;
            nanos += 1_000_000_000L;
        }
        return (seconds, (int)nanos);
    }
}
