using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Properties;

/// <summary>The compactor drops the whitespace between tokens and nothing else.</summary>
public sealed class JsonCompactorProperties
{
    private static byte[] Compacted(byte[] json)
    {
        var destination = new byte[json.Length];
        return destination[..JsonCompactor.Compact(json, destination)];
    }

    /// <summary>Bytes weighted towards the ones the compactor looks at.</summary>
    private static Arbitrary<byte[]> JsonishBytes => Gen.OneOf(
            Gen.Elements("\""u8.ToArray(), "\\"u8.ToArray(), " "u8.ToArray(), "\t\r\n"u8.ToArray(), "{"u8.ToArray(), "é"u8.ToArray(), "\\\""u8.ToArray()),
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []))
        .ArrayOf().Select(parts => parts.SelectMany(p => p).ToArray()).ToArbitrary();

    /// <summary>Whatever comes (the reader validated it, but a bug there must not become a crash or a longer line
    /// here): never longer than it was, and compact already once compacted.</summary>
    [Property(MaxTest = 500)]
    public Property Compact_AnyBytes_IsNoLongerAndSettlesAtOnce() => Prop.ForAll(JsonishBytes, json =>
    {
        byte[] once = Compacted(json);

        Assert.True(once.Length <= json.Length);
        Assert.Equal(once, Compacted(once));
    });

    /// <summary>An object of <paramref name="fields"/> as a logger might write it, with <paramref name="pad"/> between
    /// every two tokens.</summary>
    private static string Written((string Name, string Value)[] fields, string pad) =>
        "{" + pad + string.Join("," + pad, fields.Select(f => Generators.JsonQuoted(f.Name) + pad + ":" + pad + Generators.JsonQuoted(f.Value))) + pad + "}";

    private static Arbitrary<((string, string)[] Fields, string Pad)> SpreadObjects =>
        (from fields in Gen.ListOf(Gen.Zip(Generators.UnicodeString, Generators.UnicodeString)).Select(f => f.Take(8).ToArray())
         from pad in Gen.Elements("", " ", "\n  ", "\t", "\r\n")
         select (fields, pad))
        .ToArbitrary();

    [Property(MaxTest = 200)]
    public Property Compact_SpreadObject_IsTheObjectWrittenWithoutWhitespace() => Prop.ForAll(SpreadObjects, spread =>
    {
        string json = Written(spread.Fields, spread.Pad);

        byte[] compact = Compacted(Encoding.UTF8.GetBytes(json));

        Assert.Equal(Written(spread.Fields, ""), Encoding.UTF8.GetString(compact));
        using var before = JsonDocument.Parse(json);
        using var after = JsonDocument.Parse(compact);
        Assert.True(JsonElement.DeepEquals(before.RootElement, after.RootElement));
    });

    /// <summary>A JSON value written twice: with whitespace (one of several kinds, or none) wherever JSON allows it, and
    /// compact.</summary>
    private static Gen<(string Spread, string Compact)> Value(int depth)
    {
        // Mostly none: a record whose only whitespace is in one place must be noticed there.
        Gen<string> pad = Gen.Frequency((25, Gen.Constant("")), (1, Gen.Elements(" ", "\n", "\t ", "\r\n  ")));
        Gen<(string, string)> scalar = Gen.OneOf(
            Generators.UnicodeString.Select(Generators.JsonQuoted),
            Gen.Elements("0", "-1.5e3", "true", "false", "null", "\"\"")).Select(t => (t, t));
        if (depth == 0)
        {
            return scalar;
        }
        Gen<(string, string)> member =
            from name in Generators.UnicodeString.Select(Generators.JsonQuoted)
            from before in pad
            from after in pad
            from value in Value(depth - 1)
            select (name + before + ":" + after + value.Spread, name + ":" + value.Compact);
        Gen<(string, string)> element = Value(depth - 1);
        Gen<(string, string)> Container(Gen<(string, string)> item, string open, string close) =>
            from items in Gen.ListOf(from it in item from before in pad from after in pad select (before + it.Item1 + after, it.Item2))
                .Select(i => i.Take(5).ToArray())
            from inside in pad
            select (open + inside + string.Join(",", items.Select(i => i.Item1)) + close,
                    open + string.Join(",", items.Select(i => i.Item2)) + close);
        return Gen.Frequency((1, scalar), (2, Container(member, "{", "}")), (1, Container(element, "[", "]")));
    }

    /// <summary>A record that is not a string (a string is a text line) as a body brings it: written compact (as Lambda writes them) it is copied as it is, spread
    /// out it is compacted, and either way the line is the compact value.</summary>
    [Property(MaxTest = 300)]
    public Property Parse_RecordOfAnyShape_IsItsCompactForm() => Prop.ForAll(
        (from record in Value(3).Where(v => v.Compact[0] != '"') from compactAsWritten in Gen.Elements(true, false) select compactAsWritten ? (record.Compact, record.Compact) : record).ToArbitrary(),
        record =>
        {
            string body = $$"""[{"time":"2026-12-03T10:00:00.000Z","type":"function","record":{{record.Item1}}}]""";

            var parsed = TelemetryBodyParser.Parse(Encoding.UTF8.GetBytes(body), 0, new LineArena());

            TelemetryRecord only = Assert.Single(parsed.Records);
            Assert.Equal(record.Item2, only.Json?.ToString());
        });

    [Theory]
    [InlineData("""{"a":1,"b":[1,2,{}],"c":{"d":"x, y: z"}}""", true)]
    [InlineData("""[[],[1],{"e\u0022":null}]""", true)]
    [InlineData("""{"a" :1}""", false)]
    [InlineData("""{"a": 1}""", false)]
    [InlineData("""{"a":1 }""", false)]
    [InlineData("""{"a":1 ,"b":2}""", false)]
    [InlineData("""[1, 2]""", false)]
    [InlineData("""{ }""", false)]
    public void SkipValue_SaysWhetherTheValueWasWrittenCompact(string json, bool compact)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json + " ,");
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true });
        reader.Read();

        Assert.Equal(compact, JsonCompactor.SkipValue(ref reader, bytes));
        Assert.Equal(json.Length, reader.BytesConsumed);
    }
}
