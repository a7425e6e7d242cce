using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class PayloadProperties
{
    private static readonly Gen<string> Types = Gen.Elements(
        "function", "extension", "platform.start", "platform.runtimeDone", "platform.report", "platform.initStart",
        "platform.logsDropped", "platform.end", "platform.somethingNew", "");

    /// <summary>Any JSON value: scalars, strings full of awkward characters, nested arrays and objects, including the
    /// field names the extension reads (with values of the wrong type).</summary>
    private static Gen<string> JsonValue(int depth) => depth <= 0
        ? Scalars
        : Gen.OneOf(
            Scalars,
            JsonValue(depth - 1).ArrayOf().Select(items => "[" + string.Join(",", items.Take(4)) + "]"),
            (from names in Gen.OneOf(Generators.UnicodeString, Gen.Elements("requestId", "level", "metrics", "tracing", "status", "durationMs", "traceId"))
                .ArrayOf()
             from values in JsonValue(depth - 1).ArrayOf()
             select "{" + string.Join(",", names.Zip(values).Take(5).Select(p => $"{JsonSerializer.Serialize(p.Item1)}:{p.Item2}")) + "}"));

    private static readonly Gen<string> Scalars = Gen.OneOf(
        Generators.UnicodeString.Select(s => JsonSerializer.Serialize(s)),
        ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Elements("true", "false", "null", "-0", "1e400", "123456789012345678901234567890"));

    [Property(MaxTest = 500)]
    public Property AnyRecord_YieldsOneEntryLokiAccepts() =>
        Prop.ForAll(Types.ToArbitrary(), JsonValue(3).ToArbitrary(), Gen.Choose(1024, 4096).ToArbitrary(), (type, record, maxLineBytes) =>
        {
            string body = $$"""[{"time":"2026-11-24T10:00:00.123Z","type":{{JsonSerializer.Serialize(type)}},"record":{{record}}}]""";
            var parsed = TelemetryBodyParser.Parse(Encoding.UTF8.GetBytes(body), 0, new LineArena());
            TelemetryRecord single = Assert.Single(parsed.Records);
            var shaping = new EntryShaping(maxLineBytes, "7", "stream");
            var context = new InvocationContext("6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", "1-abc", shaping);

            RecentRequests recentRequests = RecentRequests.None;
            LogEntry entry = LogEntries.From(in single, shaping, context, ref recentRequests);

            Assert.True(System.Text.Unicode.Utf8.IsValid(entry.Line.Span));
            Assert.InRange(entry.Line.Length, 0, maxLineBytes);
            Assert.Equal(1_795_514_400_123_000_000L, entry.UnixNanos);
            foreach (MetadataPair pair in entry.Metadata.Span)
            {
                Assert.True(LabelSet.IsValidName(pair.Name), pair.Name);
                Assert.NotEmpty(pair.Value);
            }
        });

    [Property(MaxTest = 300)]
    public Property Truncate_AnyLine_FitsTheLimitWithoutSplittingACharacter() =>
        Prop.ForAll(Shrinking.Text(Generators.UnicodeString.SelectMany(s => Gen.Choose(1, 300).Select(n => string.Concat(Enumerable.Repeat(s, n)))), minLength: 0),
            Gen.Choose(LineLimit.MinimumMaxBytes, 8192).ToArbitrary(), (line, maxBytes) =>
        {
            Utf8Line input = Utf8Line.From(line);
            Utf8Line result = LineLimit.Truncate(input, maxBytes);

            Assert.InRange(result.Length, 0, maxBytes);
            Assert.True(System.Text.Unicode.Utf8.IsValid(result.Span), "a character was split");
            if (input.Length <= maxBytes)
            {
                Assert.Equal(input, result);
                return;
            }
            string text = result.ToString();
            byte[] kept = Encoding.UTF8.GetBytes(text[..text.LastIndexOf(" … [", StringComparison.Ordinal)]);
            Assert.True(input.Span.StartsWith(kept));
            Assert.EndsWith($" … [{input.Length - kept.Length} bytes truncated]", text, StringComparison.Ordinal);
        });

    [Property(MaxTest = 500)]
    public Property Parse_AnyBytes_NeverThrowsAndNamesAProblemExactlyWhenTheBodyIsNotAnArrayOfObjects() =>
        Prop.ForAll(Shrinking.Arrays(Gen.OneOf(ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []),
                JsonValue(2).Select(v => Encoding.UTF8.GetBytes(v)),
                JsonValue(2).ArrayOf().Select(v => Encoding.UTF8.GetBytes("[" + string.Join(",", v) + "]")))), bytes =>
        {
            var result = TelemetryBodyParser.Parse(bytes, 42, new LineArena());
            Assert.Equal(IsArrayOfObjects(bytes), result.Problem.IsNone);
        });

    /// <summary>The oracle: System.Text.Json's document parser.</summary>
    private static bool IsArrayOfObjects(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Array
                   && document.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [Fact]
    public void Parse_InvalidUtf8InALine_KeepsTheLineWithReplacementCharacters()
    {
        byte[] body = [.. """[{"time":"2026-11-24T10:00:00.000Z","type":"function","record":"caf"""u8, 0xC3, 0x28, .. """ ok\n"}]"""u8];
        var result = TelemetryBodyParser.Parse(body, 0, new LineArena());
        Assert.True(result.Problem.IsNone);
        Assert.Equal("caf\uFFFD( ok", Assert.Single(result.Records).Text.ToString());
    }

    [Theory]
    [InlineData(@"done\n", "done")]
    [InlineData(@"done\r\n", "done")]
    [InlineData(@"two\n\n", "two\n")]
    [InlineData(@"\n", "")]
    [InlineData("plain", "plain")]
    [InlineData(@"a backslash, then n: \\n", @"a backslash, then n: \n")]
    [InlineData(@"\u00e9t\u00e9\n", "été")]
    public void Parse_ATextRecord_DropsOneTrailingNewlineOnly(string escaped, string expected)
    {
        var result = TelemetryBodyParser.Parse(Encoding.UTF8.GetBytes($$"""[{"time":"2026-11-24T10:00:00.000Z","type":"function","record":"{{escaped}}"}]"""), 0, new LineArena());
        Assert.Equal(expected, Assert.Single(result.Records).Text.ToString());
    }

    [Fact]
    public void Parse_ATruncatedBody_KeepsTheRecordsBeforeTheBreakAndSaysWhere()
    {
        var result = TelemetryBodyParser.Parse("""[{"time":"2026-11-24T10:00:00.000Z","type":"function","record":"first\n"},{"time":"2026"""u8.ToArray(), 0, new LineArena());
        Assert.Equal(2, result.Records.Length);
        Assert.Equal("first", result.Records[0].Text.ToString());
        Assert.Equal((TelemetryKind.Unparsed, "{\"time\":\"2026"), (result.Records[1].Kind, result.Records[1].Text.ToString()));
        Assert.Contains("malformed JSON after 1 records", result.Problem.IfNone(""));
    }
}
