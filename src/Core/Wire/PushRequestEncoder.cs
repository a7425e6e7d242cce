
namespace LokiLambdaExtension.Core.Wire;

/// <summary>Encodes entries as Loki's <c>PushRequest</c> protobuf (loki pkg/push/push.proto) without allocating:
/// <see cref="GetEncodedLength"/> sizes the buffer, <see cref="Encode"/> writes into it and returns the count.
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
        int length = 0;
        foreach (StreamKind stream in streams)
        {
            int streamLength = StreamLength(entries, stream, labels.For(stream));
            if (streamLength >= 0)
            {
                length += ProtobufSize.LengthDelimitedField(StreamsField, streamLength);
            }
        }
        return length;
    }

    /// <summary>Writes the push request into <paramref name="destination"/>, which must hold
    /// <see cref="GetEncodedLength"/> bytes, and returns the number of bytes written.</summary>
    public static int Encode(ReadOnlySpan<LogEntry> entries, StreamLabels labels, Span<byte> destination) =>
        Encode(entries, labels, destination, StreamOrder);

    /// <summary>Writes a push request holding only the entries of <paramref name="streams"/>.</summary>
    public static int Encode(ReadOnlySpan<LogEntry> entries, StreamLabels labels, Span<byte> destination, ReadOnlySpan<StreamKind> streams)
    {
        var writer = new ProtobufWriter(destination);
        foreach (StreamKind stream in streams)
        {
            string streamLabels = labels.For(stream);
            int streamLength = StreamLength(entries, stream, streamLabels);
            if (streamLength < 0)
            {
                continue;
            }
            writer.WriteMessageHeader(StreamsField, streamLength);
            writer.WriteStringField(LabelsField, streamLabels);
            foreach (ref readonly LogEntry entry in entries)
            {
                if (entry.Stream == stream)
                {
                    WriteEntry(ref writer, in entry);
                }
            }
        }
        return writer.Position;
    }

    /// <summary>The encoded length of the stream's message body, or -1 when no entry belongs to it.</summary>
    private static int StreamLength(ReadOnlySpan<LogEntry> entries, StreamKind stream, string streamLabels)
    {
        int length = 0;
        bool any = false;
        foreach (ref readonly LogEntry entry in entries)
        {
            if (entry.Stream == stream)
            {
                any = true;
                length += ProtobufSize.LengthDelimitedField(EntriesField, EntryLength(in entry));
            }
        }
        return any ? length + ProtobufSize.StringField(LabelsField, streamLabels) : -1;
    }

    private static int EntryLength(in LogEntry entry)
    {
        var (seconds, nanos) = SplitTimestamp(entry.UnixNanos);
        int length = ProtobufSize.LengthDelimitedField(TimestampField, TimestampLength(seconds, nanos))
                   + ProtobufSize.StringField(LineField, entry.Line.Span);
        foreach (ref readonly MetadataPair pair in entry.Metadata.Span)
        {
            length += ProtobufSize.LengthDelimitedField(StructuredMetadataField, PairLength(in pair));
        }
        return length;
    }

    private static int TimestampLength(long seconds, int nanos) =>
        ProtobufSize.VarintField(SecondsField, (ulong)seconds) + ProtobufSize.VarintField(NanosField, (ulong)nanos);

    private static int PairLength(in MetadataPair pair) =>
        ProtobufSize.StringField(NameField, pair.NameBytes) + ProtobufSize.StringField(ValueField, pair.ValueBytes);

    private static void WriteEntry(ref ProtobufWriter writer, in LogEntry entry)
    {
        writer.WriteMessageHeader(EntriesField, EntryLength(in entry));
        var (seconds, nanos) = SplitTimestamp(entry.UnixNanos);
        writer.WriteMessageHeader(TimestampField, TimestampLength(seconds, nanos));
        writer.WriteVarintField(SecondsField, (ulong)seconds);
        writer.WriteVarintField(NanosField, (ulong)nanos);
        writer.WriteStringField(LineField, entry.Line.Span);
        foreach (ref readonly MetadataPair pair in entry.Metadata.Span)
        {
            writer.WriteMessageHeader(StructuredMetadataField, PairLength(in pair));
            writer.WriteStringField(NameField, pair.Name, pair.NameBytes);
            writer.WriteStringField(ValueField, pair.Value, pair.ValueBytes);
        }
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
