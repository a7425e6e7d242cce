using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Properties;

/// <summary>The scan of a JSON string agrees with <see cref="Utf8JsonReader"/> on every input, and a body read with it
/// is the body read by the reader alone.</summary>
public sealed class JsonStringScanProperties
{
    /// <summary>Bytes after an opening quote, weighted towards what the scan and the reader decide on: quotes,
    /// backslashes, escape letters, hex digits, control characters, non-ASCII.</summary>
    private static Gen<byte[]> StringLike => Gen.OneOf(
            Gen.Elements("\""u8.ToArray(), "\\"u8.ToArray(), "\\\\"u8.ToArray(), "\\\""u8.ToArray(), "\\t"u8.ToArray(), "\\n"u8.ToArray(),
                "\\u"u8.ToArray(), "\\u00e9"u8.ToArray(), "\\uD83D\\uDE00"u8.ToArray(), "\\x"u8.ToArray(), "u"u8.ToArray(), "0aF"u8.ToArray(),
                "\t"u8.ToArray(), [0x1F], [0x7F], "é"u8.ToArray(), [0xC3], "plain text "u8.ToArray()),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []))
        .ArrayOf().Select(parts => "\""u8.ToArray().Concat(parts.SelectMany(p => p)).ToArray());

    /// <summary>Where the reader says the string starting at 0 ends, and whether it holds escapes; -1 when it refuses it.</summary>
    private static (int End, bool Escaped) ReaderEnd(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.String ? ((int)reader.BytesConsumed, reader.ValueIsEscaped) : (-1, false);
        }
        catch (JsonException)
        {
            return (-1, false);
        }
    }

    /// <summary>The end of the string at 0 as the parser finds it: passed over, then its bytes looked at for control
    /// characters once.</summary>
    private static int ScannedEnd(byte[] json, out bool escaped)
    {
        int end = JsonStringScan.EndAllowingControls(json, 0, out escaped);
        return end >= 0 && JsonStringScan.HasControl(json.AsSpan(1..(end - 1))) ? -1 : end;
    }

    [Property(MaxTest = 2000)]
    public Property End_AnyBytes_IsWhereTheReaderEndsTheString() => Prop.ForAll(Shrinking.Arrays(StringLike), json =>
    {
        int end = ScannedEnd(json, out bool escaped);

        (int readerEnd, bool readerEscaped) = ReaderEnd(json);
        Assert.Equal(readerEnd, end);
        if (end >= 0)
        {
            Assert.Equal(readerEscaped, escaped);
        }
    });

    [Property(MaxTest = 2000)]
    public Property ScanAndUnescape_AnyBytesAnyRoom_EndsWhereTheScanEndsAndWritesWhatUnescapingWrites() =>
        Prop.ForAll(Shrinking.Arrays(StringLike), Gen.Choose(0, 64).ToArbitrary(), (json, roomLength) =>
        {
            var room = new byte[roomLength];
            int end = JsonStringUnescaper.ScanAndUnescape(json, 0, room, out int written, out bool escaped);

            int scanEnd = JsonStringScan.EndAllowingControls(json, 0, out bool scanEscaped);
            byte[] unescaped = new byte[json.Length];
            int expected = scanEnd < 0 ? 0 : JsonStringUnescaper.Unescape(json.AsSpan(1..(scanEnd - 1)), unescaped);
            if (end >= 0)
            {
                Assert.Equal((scanEnd, scanEscaped), (end, escaped));
                Assert.Equal(unescaped[..expected], room[..written]);
            }
            else
            {
                // Given up only where the scan gives up, or where the line (with an escape's 4 bytes) would not fit.
                Assert.True(scanEnd < 0 || expected + 4 > roomLength, $"gave up on a string of {expected} bytes in {roomLength}");
            }
        });

    [Theory]
    [InlineData("\"plain\" rest", 7, false)]
    [InlineData("\"a\\tb\\n\"", 8, true)]
    [InlineData("\"\\u00e9\"", 8, true)]
    [InlineData("\"\\\"\"", 4, true)]
    [InlineData("\"\\\\\"", 4, true)]
    [InlineData("\"\\u00g9\"", -1, false)]
    [InlineData("\"\\u00e\"", -1, false)]
    [InlineData("\"\\x\"", -1, false)]
    [InlineData("\"raw\ttab\"", -1, false)]
    [InlineData("\"unended", -1, false)]
    [InlineData("\"ends in a backslash\\", -1, false)]
    public void End_Examples(string json, int expected, bool expectedEscaped)
    {
        int end = ScannedEnd(Encoding.UTF8.GetBytes(json), out bool escaped);

        Assert.Equal(expected, end);
        Assert.Equal(expectedEscaped, end >= 0 && escaped);
    }

    /// <summary>Telemetry bodies as the platform writes them (text records full of escapes, between platform records,
    /// spread out or compact) and as a hostile sender might (cut anywhere, a byte changed anywhere).</summary>
    private static Gen<byte[]> Bodies =>
        from records in Gen.OneOf(
                Generators.UnicodeString.Select(line => $"\"2026-11-24T10:00:00.000Z\\t6d68ca91\\tINFO\\t{Generators.JsonQuoted(line)[1..^1]}\\n\""),
                JsonLogRecords,
                Gen.Elements("\"\"", "\"\\u0041\\uD83D\\uDE00\"", "{\"requestId\":\"6d68ca91\",\"status\":\"success\"}", "[1,2]", "17", "null"))
            .ArrayOf()
        from pad in Gen.Elements("", " ", "\n  ", "\t", "\r\n")
        from type in Gen.Elements("function", "platform.start", "extension")
        let body = Encoding.UTF8.GetBytes("[" + string.Join("," + pad, records.Take(12).Select(r =>
            "{" + pad + "\"time\":\"2026-11-24T10:00:00.000Z\"," + pad + $"\"type\":\"{type}\"," + pad
            + "\"record\"" + pad + ":" + pad + r + pad + "}")) + "]")
        from hurt in Gen.Choose(0, 3)
        from at in Gen.Choose(0, Math.Max(0, body.Length - 1))
        from value in Gen.Choose(0, 255)
        select hurt switch
        {
            0 when body.Length > 0 => body[..at],
            1 when body.Length > 0 => [.. body[..at], (byte)value, .. body[(at + 1)..]],
            _ => body,
        };

    /// <summary>JSON log records as loggers write them, compact: names the reader finds fields under (plain, escaped,
    /// loggers' spellings, schema fields that are not strings) with strings (escaped, non-ASCII, repeated) and other
    /// values.</summary>
    private static Gen<string> JsonLogRecords =>
        from pairs in Gen.Zip(
                Gen.Elements("timestamp", "level", "requestId", "message", "traceId", "tenantId", "status", "function_request_id",
                    "metrics", "types", "droppedBytes", "lev\\u0065l", "x"),
                Gen.OneOf(
                    Generators.UnicodeString.Select(Generators.JsonQuoted),
                    Gen.Elements("\"INFO\"", "\"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\"", "\"\\u0041\"", "17", "true", "{\"a\":\"b\"}", "[\"INVOKE\"]")))
            .ArrayOf()
        select "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}";

    private static object Described(TelemetryRecord r) => (r.UnixNanos, r.Type, r.Kind, r.Text?.ToString(), r.Json?.ToString(), r.Fields);

    [Property(MaxTest = 1000)]
    public Property Parse_AnyBody_ReadsWhatTheReaderAloneReads() => Prop.ForAll(Shrinking.Arrays(Bodies), body =>
    {
        var scanned = TelemetryBodyParser.Parse(body, 42, new LineArena());

        var read = TelemetryBodyParser.Parse(body, 42, new LineArena(), scanLines: false, out _);
        Assert.Equal(read.Records.Map(Described).ToArray(), scanned.Records.Map(Described).ToArray());
        Assert.Equal(read.Problem, scanned.Problem);
    });

    [Fact]
    public void Parse_AMalformedBodyAfterScannedLines_SaysWhatTheReaderSaysAndReusesTheArena()
    {
        byte[] body = """[{"time":"2026-11-24T10:00:00.000Z","type":"function","record":"a\tb\n"},{"type":"function","record":"c\td\n",}]"""u8.ToArray();
        var lines = new LineArena();

        var scanned = TelemetryBodyParser.Parse(body, 42, lines);
        Utf8Line next = lines.Add("next"u8);

        var read = TelemetryBodyParser.Parse(body, 42, new LineArena(), scanLines: false, out bool malformed);
        Assert.True(malformed);
        Assert.Equal(read.Problem, scanned.Problem);
        Assert.Equal(new[] { "a\tb", "{\"type\":\"function\",\"record\":\"c\\td\\n\",}" },
            scanned.Records.Map(r => r.Text?.ToString() ?? "").ToArray());
        // The lines of the first reading were given up: the arena holds those of the second from its start, then the
        // next line.
        Utf8Line first = scanned.Records[0].Text!.Value, last = scanned.Records[1].Text!.Value;
        Assert.True(next.SharesArrayWith(first) && next.SharesArrayWith(last));
        Assert.Equal((0, OffsetOf(last) + last.Length), (OffsetOf(first), OffsetOf(next)));
    }

    private static long OffsetOf(Utf8Line line) =>
        (long)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(line.Array!), ref MemoryMarshal.GetReference(line.Span));
}
