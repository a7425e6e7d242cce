using System.Text;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Reads the element the platform sends most, a text line written compact in the order Lambda writes it,
/// <c>{"time":"…","type":"…","record":"…"}</c>, without the reader: its punctuation is compared as bytes and its three
/// strings are passed over by <see cref="JsonStringScan"/>. The reader spent more on such an element's few tokens than
/// on its line (its start, three names, two short strings, and a new reader after every scanned line); an element in
/// any other shape (spread out, other keys or order, an escaped time or type, an object record) is left to the reader,
/// which reads the body on from where this stopped, so what is accepted is what the reader accepts.</summary>
internal static class TextElementScan
{
    /// <summary>The element starting at <paramref name="at"/> (after whitespace, and after its comma unless it is the
    /// array's <paramref name="first"/>) as a record, its line written into <paramref name="lines"/>, and the index just
    /// past its closing brace; -1 when it is not in that shape, nothing written.</summary>
    public static int TryRead(ReadOnlySpan<byte> body, int at, bool first, long receivedUnixNanos, LineArena lines, out TelemetryRecord record)
    {
        record = default;
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
        if (typeEnd < 0 || typeEscaped)
        {
            return -1;
        }
        int recordEnd = StringAfter(body, typeEnd, ",\"record\":"u8, out bool lineEscaped);
        if (recordEnd < 0 || recordEnd >= body.Length || body[recordEnd] != (byte)'}')
        {
            return -1;
        }
        int timeStart = at + "{\"time\":\""u8.Length, typeStart = timeEnd + ",\"type\":\""u8.Length;
        int lineStart = typeEnd + ",\"record\":\""u8.Length;
        // As the reader's way reads them: a time it cannot read stands in as the time received.
        long unixNanos = !timeEscaped && Iso8601.TryParseUnixNanos(body[timeStart..(timeEnd - 1)], out long parsed) ? parsed : receivedUnixNanos;
        ReadOnlySpan<byte> typeBytes = body[typeStart..(typeEnd - 1)];
        string type = TelemetryBodyParser.KnownType(typeBytes) ?? Encoding.UTF8.GetString(typeBytes);
        Utf8Line line = TelemetryBodyParser.ReadLine(body[lineStart..(recordEnd - 1)], lineEscaped, lines);
        record = new TelemetryRecord(unixNanos, type, TelemetryKinds.FromType(type), line, null, RecordFields.None);
        return recordEnd + 1;
    }

    /// <summary>Where the string value after <paramref name="name"/> (its opening quote next) ends, or -1.</summary>
    private static int StringAfter(ReadOnlySpan<byte> body, int at, ReadOnlySpan<byte> name, out bool escaped)
    {
        escaped = false;
        int quote = at + name.Length;
        return body[at..].StartsWith(name) && quote < body.Length && body[quote] == (byte)'"'
            ? JsonStringScan.End(body, quote, out escaped)
            : -1;
    }

    private static int PastWhitespace(ReadOnlySpan<byte> body, int at)
    {
        while (at < body.Length && body[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }
        return at;
    }
}
