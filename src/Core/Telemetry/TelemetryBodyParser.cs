using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using LanguageExt;
using LanguageExt.UnsafeValueAccess;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Reads a Telemetry API (or Logs API) body, a JSON array of <c>{"time","type","record"}</c>, with a
/// <see cref="Utf8JsonReader"/>: no reflection, no DOM. The elements Lambda writes compact are read without it
/// (<see cref="CompactElementScan"/>), the reader taking over wherever one is not. Lines are unescaped straight into a
/// <see cref="LineArena"/> and stay UTF-8 from here to the push.</summary>
internal static class TelemetryBodyParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>Where a body's records are gathered before they become the result's sequence, reused body after body
    /// (one intake thread reads one body at a time): a sequence grown record by record left its size again in garbage
    /// on every body (399 → 347 KB allocated for a body of 1,000 records, most of the rest the lines themselves).</summary>
    [ThreadStatic]
    private static List<TelemetryRecord>? _gathered;

    /// <summary>A list grown larger than this by an outsized body is not kept: memory held between bodies stays small.</summary>
    private const int GatheredKeptCapacity = 2048;

    /// <param name="body">The request body as received.</param>
    /// <param name="receivedUnixNanos">Stands in for a record's time when its <c>time</c> is missing or unreadable.</param>
    /// <param name="lines">Where the records' lines are written.</param>
    public static TelemetryParseResult Parse(ReadOnlySpan<byte> body, long receivedUnixNanos, LineArena lines)
    {
        LineArena.Mark before = lines.Marked();
        TelemetryParseResult result = Parse(body, receivedUnixNanos, lines, scanLines: true, out bool malformed);
        if (!malformed)
        {
            return result;
        }
        // A malformed body is read again by the reader alone (its lines written over), so that what is said of it, and
        // what is shipped of it, is the reader's own: a reader resumed after a scanned line counts bytes from there.
        lines.RollBack(before);
        return Parse(body, receivedUnixNanos, lines, scanLines: false, out _);
    }

    /// <param name="scanLines">Whether text lines are passed over by <see cref="JsonStringScan"/> rather than the
    /// reader (the same records either way; the properties compare the two).</param>
    /// <param name="malformed">Whether the reader refused the body somewhere.</param>
    internal static TelemetryParseResult Parse(ReadOnlySpan<byte> body, long receivedUnixNanos, LineArena lines, bool scanLines, out bool malformed)
    {
        List<TelemetryRecord> records = _gathered ??= [];
        records.Clear();
        var problem = Option<string>.None;
        long lastGoodEnd = 0;
        malformed = false;
        var reader = new Utf8JsonReader(body, ReaderOptions);
        // Where the reader's bytes start in the body: a reader resumed after a scanned line reads the rest of it.
        int readerStart = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return new TelemetryParseResult(body.IsEmpty ? [] : [Unparsed(body, receivedUnixNanos, lines)],
                    "the body is not a JSON array");
            }
            lastGoodEnd = reader.BytesConsumed;
            int index = 0;
            while (true)
            {
                if (scanLines && ScannedElements(ref reader, ref readerStart, ref index, body, receivedUnixNanos, lines, records))
                {
                    lastGoodEnd = readerStart;
                }
                if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    records.Add(ReadElement(ref reader, ref readerStart, body, receivedUnixNanos, lines, scanLines));
                    lastGoodEnd = readerStart + reader.BytesConsumed;
                }
                else
                {
                    reader.Skip();
                    problem = problem.IsSome ? problem : $"element {index} is a {reader.TokenType}, not an object; skipped";
                }
                index++;
            }
            lastGoodEnd = readerStart + reader.BytesConsumed;
            if (reader.Read())
            {
                throw new JsonException("there is more after the array");
            }
        }
        catch (JsonException e)
        {
            malformed = true;
            problem = $"malformed JSON after {records.Count} records (byte {readerStart + reader.BytesConsumed}): {e.Message}";
            if (!body[(int)lastGoodEnd..].Trim(UnparsedPadding).IsEmpty)
            {
                records.Add(Unparsed(body[(int)lastGoodEnd..], receivedUnixNanos, lines));
            }
        }
        // The array is this body's alone and never written again, so the result wraps it rather than copy it a second
        // time (a record is 80 bytes, and the copy was half of what parsing allocated besides the lines).
        var result = new TelemetryParseResult(ImmutableCollectionsMarshal.AsImmutableArray(records.ToArray()), problem);
        records.Clear();
        if (records.Capacity > GatheredKeptCapacity)
        {
            _gathered = null;
        }
        return result;
    }

    /// <summary>What could not be read is still shipped, as text, to the extension's stream.</summary>
    private static TelemetryRecord Unparsed(ReadOnlySpan<byte> rest, long receivedUnixNanos, LineArena lines) =>
        new(receivedUnixNanos, "unparsed", TelemetryKind.Unparsed, lines.Add(rest.Trim(UnparsedPadding)), null, RecordFields.None);

    /// <summary>Separators around an unreadable rest that carry nothing worth shipping.</summary>
    private static ReadOnlySpan<byte> UnparsedPadding => " \t\r\n,]"u8;

    private static TelemetryRecord ReadElement(ref Utf8JsonReader reader, ref int readerStart, ReadOnlySpan<byte> body, long receivedUnixNanos,
        LineArena lines, bool scanLines)
    {
        long unixNanos = receivedUnixNanos;
        string type = "";
        Utf8Line? text = null;
        ReadOnlySpan<byte> recordJson = default;
        bool recordWrittenCompact = false;
        RecordFields fields = RecordFields.None;

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            bool isTime = reader.ValueTextEquals("time"u8);
            bool isType = !isTime && reader.ValueTextEquals("type"u8);
            bool isRecord = !isTime && !isType && reader.ValueTextEquals("record"u8);
            if (isRecord && scanLines && ScannedLine(ref reader, ref readerStart, body, lines) is { } scanned)
            {
                text = scanned;
                continue;
            }
            reader.Read();
            if (isTime && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
                && Iso8601.TryParseUnixNanos(reader.ValueSpan, out long parsed))
            {
                unixNanos = parsed;
            }
            else if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = KnownTypeOrCopy(ref reader);
            }
            else if (isRecord && reader.TokenType == JsonTokenType.String)
            {
                text = RecordLine.Read(reader.ValueSpan, reader.ValueIsEscaped, lines);
            }
            else if (isRecord)
            {
                int start = readerStart + (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var record = new CompactnessReader(reader, body[readerStart..]);
                    fields = RecordFieldsReader.Read(ref record);
                    reader = record.Json;
                    recordWrittenCompact = record.Compact;
                }
                else
                {
                    fields = RecordFields.None;
                    recordWrittenCompact = JsonCompactor.SkipValue(ref reader, body[readerStart..]);
                }
                recordJson = body[start..(readerStart + (int)reader.BytesConsumed)];
            }
            else
            {
                reader.Skip();
            }
        }

        TelemetryKind kind = TelemetryKinds.FromType(type);
        Utf8Line? json = recordJson.IsEmpty ? null : JsonCompactor.Compact(recordJson, recordWrittenCompact, lines);
        return new TelemetryRecord(unixNanos, type, kind, text, json, fields);
    }

    /// <summary>With the reader after the array's start or an element: the elements from there that
    /// <see cref="CompactElementScan"/> reads, added to <paramref name="records"/>, and the reader resumed after the last of
    /// them; false, the reader untouched, when the next element is not one.</summary>
    private static bool ScannedElements(ref Utf8JsonReader reader, ref int readerStart, ref int index, ReadOnlySpan<byte> body,
        long receivedUnixNanos, LineArena lines, List<TelemetryRecord> records)
    {
        int at = readerStart + (int)reader.BytesConsumed;
        bool first = index == 0;
        int end;
        while ((end = CompactElementScan.TryRead(body, at, index == 0, receivedUnixNanos, lines, records)) > 0)
        {
            index++;
            at = end;
        }
        if (at == readerStart + (int)reader.BytesConsumed)
        {
            return false;
        }
        // The reader's state as had it read the elements itself: after the array's start or an element, one more.
        reader = new Utf8JsonReader(body[at..], isFinalBlock: true, StateAfter(reader.CurrentState, first ? "{}"u8 : ",{}"u8, tokens: 2));
        readerStart = at;
        return true;
    }

    /// <summary>The types of every record are few: reuse one string for each instead of allocating per record.</summary>
    private static string KnownTypeOrCopy(ref Utf8JsonReader reader) => KnownType(reader.ValueSpan) ?? ReadString(ref reader);

    /// <summary>The string of a type every body has, or null.</summary>
    internal static string? KnownType(ReadOnlySpan<byte> value) => value switch
    {
        _ when value.SequenceEqual("function"u8) => "function",
        _ when value.SequenceEqual("extension"u8) => "extension",
        _ when value.SequenceEqual("platform.start"u8) => "platform.start",
        _ when value.SequenceEqual("platform.runtimeDone"u8) => "platform.runtimeDone",
        _ when value.SequenceEqual("platform.report"u8) => "platform.report",
        _ => null,
    };

    /// <summary>Decodes a string token. Invalid UTF-8 becomes U+FFFD rather than an exception: the value is kept.</summary>
    internal static string ReadString(ref Utf8JsonReader reader) => ReadString(reader.ValueSpan, reader.ValueIsEscaped);

    /// <summary>The string of a JSON string's bytes between its quotes, unescaped when <paramref name="escaped"/>.</summary>
    internal static string ReadString(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(raw);
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            return Encoding.UTF8.GetString(buffer, 0, JsonStringUnescaper.Unescape(raw, buffer));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A text record's line, unescaped into the arena without the newline the runtime ended it with.
    /// (Unescaped, a JSON string cannot hold a newline.)</summary>
    /// <summary>With the reader on a property name: when its value is a string that <see cref="JsonStringScan"/> passes
    /// over, that string's line, written into the arena, and the reader resumed after it; otherwise none, the reader
    /// untouched.</summary>
    private static Utf8Line? ScannedLine(ref Utf8JsonReader reader, ref int readerStart, ReadOnlySpan<byte> body, LineArena lines)
    {
        int quote = CompactElementScan.PastWhitespace(body, readerStart + (int)reader.BytesConsumed);
        bool escaped = false;
        int length = -1;
        int end = quote < body.Length && body[quote] == '"' ? RecordLine.Scan(body, quote, lines, out length, out escaped) : -1;
        if (end < 0 || JsonStringScan.HasControl(body[(quote + 1)..(end - 1)]))
        {
            return null;
        }
        Utf8Line line = RecordLine.Commit(body[(quote + 1)..(end - 1)], escaped, length, lines);
        // The reader's state as had it read the string itself: a value just read.
        reader = new Utf8JsonReader(body[end..], isFinalBlock: true, StateAfter(reader.CurrentState, "\"\""u8, tokens: 1));
        readerStart = end;
        return line;
    }

    /// <summary>The reader's state after <paramref name="tokens"/> tokens of <paramref name="standIn"/> read from
    /// <paramref name="before"/>: what it would be had it read the bytes the stand-in stands for itself (its depth, its
    /// options, the last token's kind), but for the position it counts for messages.</summary>
    private static JsonReaderState StateAfter(JsonReaderState before, ReadOnlySpan<byte> standIn, int tokens)
    {
        var reader = new Utf8JsonReader(standIn, isFinalBlock: false, before);
        for (int token = 0; token < tokens; token++)
        {
            reader.Read();
        }
        return reader.CurrentState;
    }
}
