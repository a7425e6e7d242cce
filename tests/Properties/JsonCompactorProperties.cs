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

    /// <summary>A JSON string of <paramref name="text"/> (lone surrogates made U+FFFD first, as a reader would
    /// refuse them): non-ASCII kept as it is, as loggers write it; control characters escaped.</summary>
    private static string Quoted(string text) => "\"" + string.Concat(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Select(c => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        _ when c < ' ' => $"\\u{(int)c:X4}",
        _ => c.ToString(),
    })) + "\"";

    /// <summary>An object of <paramref name="fields"/> as a logger might write it, with <paramref name="pad"/> between
    /// every two tokens.</summary>
    private static string Written((string Name, string Value)[] fields, string pad) =>
        "{" + pad + string.Join("," + pad, fields.Select(f => Quoted(f.Name) + pad + ":" + pad + Quoted(f.Value))) + pad + "}";

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
}
