using System.Runtime.InteropServices;
using System.Text;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Reads the elements the platform sends most without the reader, when written compact in the order Lambda
/// writes them: <c>{"time":"…","type":"…","record":…}</c> whose record is a text line (a string) or a JSON log line
/// whose values are all strings (<c>{"timestamp":"…","level":"INFO","requestId":"…","message":"…"}</c>). Punctuation
/// is compared as bytes, strings are passed over by <see cref="JsonStringScan"/>, and control characters are looked
/// for once over the whole element. The reader spent more on such an element's short tokens than on its line (each
/// string's start and end, each name, and a new reader after every scanned line); an element in any other shape (spread out, other keys or order, an escaped time, type or name, a
/// record with numbers, nested values or a schema field that is not a string) is left to the reader, which reads the
/// body on from where this stopped, so what is accepted is what the reader accepts, read as it reads it.</summary>
internal static class CompactElementScan
{
    /// <summary>The element starting at <paramref name="at"/> (after whitespace, and after its comma unless it is the
    /// array's <paramref name="first"/>) added to <paramref name="records"/>, its line written into
    /// <paramref name="lines"/>, and the index just past its closing brace; -1 when it is not in one of those shapes,
    /// nothing written.</summary>
    public static int TryRead(ReadOnlySpan<byte> body, int at, bool first, long receivedUnixNanos, LineArena lines, List<TelemetryRecord> records)
    {
        at = PastWhitespace(body, at);
        if (!first)
        {
            if (at >= body.Length || body[at] != (byte)',')
            {
                return -1;
            }
            at = PastWhitespace(body, at + 1);
        }
        int timeEnd = StringAfter(body, at, "{\"time\":"u8, out bool timeEscaped);
        if (timeEnd < 0)
        {
            return -1;
        }
        int typeEnd = StringAfter(body, timeEnd, ",\"type\":"u8, out bool typeEscaped);
        int recordStart = typeEnd + ",\"record\":"u8.Length;
        if (typeEnd < 0 || typeEscaped || !body[typeEnd..].StartsWith(",\"record\":"u8) || recordStart >= body.Length)
        {
            return -1;
        }
        bool text = body[recordStart] == (byte)'"';
        bool lineEscaped = false;
        int lineLength = -1;
        RecordFields fields = RecordFields.None;
        int recordEnd = text ? RecordLine.Scan(body, recordStart, lines, out lineLength, out lineEscaped)
            : body[recordStart] == (byte)'{' ? FlatObject(body, recordStart, out fields)
            : -1;
        // Nothing but strings in the element can hold a control character (there is no whitespace between its tokens),
        // and no string may: looked for once, over the whole element, rather than string by string.
        if (recordEnd < 0 || recordEnd >= body.Length || body[recordEnd] != (byte)'}' || JsonStringScan.HasControl(body[at..recordEnd]))
        {
            return -1;
        }
        int timeStart = at + "{\"time\":\""u8.Length, typeStart = timeEnd + ",\"type\":\""u8.Length;
        // As the reader's way reads them: a time it cannot read stands in as the time received.
        long unixNanos = !timeEscaped && Iso8601.TryParseUnixNanos(body[timeStart..(timeEnd - 1)], out long parsed) ? parsed : receivedUnixNanos;
        ReadOnlySpan<byte> typeBytes = body[typeStart..(typeEnd - 1)];
        string type = TelemetryBodyParser.KnownType(typeBytes) ?? Encoding.UTF8.GetString(typeBytes);
        Utf8Line? line = text ? RecordLine.Commit(body[(recordStart + 1)..(recordEnd - 1)], lineEscaped, lineLength, lines) : null;
        // Compact as written: copied as it is.
        Utf8Line? json = text ? null : lines.Add(body[recordStart..recordEnd]);
        // Written once, where the list keeps it: a record is 80 bytes of which four references, and each copy of it on
        // the way (returned, then added) went through the collector's write barrier.
        int count = records.Count;
        CollectionsMarshal.SetCount(records, count + 1);
        CollectionsMarshal.AsSpan(records)[count] = new TelemetryRecord(unixNanos, type, TelemetryKinds.FromType(type), line, json, fields);
        return recordEnd + 1;
    }

    /// <summary>Where the object at <paramref name="brace"/> ends when it is written compact with only string values
    /// under plain names, none of them a schema field that is not a string, and its fields; -1 otherwise.</summary>
    private static int FlatObject(ReadOnlySpan<byte> body, int brace, out RecordFields fields)
    {
        fields = RecordFields.None;
        // A JSON log line's own fields; any other of the schema's (rare in a log line) makes the line's fields its own.
        string? requestId = null, level = null, traceId = null, tenantId = null;
        RecordFields? own = null;
        int at = brace + 1;
        while (true)
        {
            bool nameEscaped = false, valueEscaped = false;
            int nameEnd = at < body.Length && body[at] == (byte)'"' ? JsonStringScan.EndAllowingControls(body, at, out nameEscaped) : -1;
            if (nameEnd < 0 || nameEscaped || nameEnd >= body.Length || body[nameEnd] != (byte)':')
            {
                return -1;
            }
            int valueStart = nameEnd + 1;
            int valueEnd = valueStart < body.Length && body[valueStart] == (byte)'"' ? JsonStringScan.EndAllowingControls(body, valueStart, out valueEscaped) : -1;
            if (valueEnd < 0 || valueEnd >= body.Length)
            {
                return -1;
            }
            int field = RecordFieldsReader.FieldOf(body[(at + 1)..(nameEnd - 1)]);
            if (field >= 0 && !RecordFieldsReader.IsString(field))
            {
                return -1;
            }
            string? value = field >= 0 ? RecentStrings.Read(body[(valueStart + 1)..(valueEnd - 1)], valueEscaped) : null;
            switch (field)
            {
                case < 0: break;
                case LogFieldNames.RequestId: requestId = value; break;
                case LogFieldNames.Level: level = value; break;
                case LogFieldNames.TraceId: traceId = value; break;
                case LogFieldNames.TenantId: tenantId = value; break;
                default: RecordFieldsReader.Assign(own ??= new RecordFields(), field, value!); break;
            }
            switch (body[valueEnd])
            {
                case (byte)',':
                    at = valueEnd + 1;
                    break;
                case (byte)'}':
                    fields = own is null ? SharedLineFields.For(requestId, level, traceId, tenantId) : WithLineFields(own, requestId, level, traceId, tenantId);
                    return valueEnd + 1;
                default:
                    return -1;
            }
        }
    }

    private static RecordFields WithLineFields(RecordFields own, string? requestId, string? level, string? traceId, string? tenantId)
    {
        own.RequestId = requestId;
        own.Level = level;
        own.TraceId = traceId;
        own.TenantId = tenantId;
        return own;
    }

    /// <summary>Where the string value after <paramref name="name"/> (its opening quote next) ends, or -1.</summary>
    private static int StringAfter(ReadOnlySpan<byte> body, int at, ReadOnlySpan<byte> name, out bool escaped)
    {
        escaped = false;
        int quote = at + name.Length;
        return body[at..].StartsWith(name) && quote < body.Length && body[quote] == (byte)'"'
            ? JsonStringScan.EndAllowingControls(body, quote, out escaped)
            : -1;
    }

    /// <summary>The index of the first byte from <paramref name="at"/> that is not JSON whitespace.</summary>
    internal static int PastWhitespace(ReadOnlySpan<byte> body, int at)
    {
        while (at < body.Length && body[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }
        return at;
    }
}
