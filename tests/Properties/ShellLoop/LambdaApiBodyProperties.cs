using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Shell.LambdaApi;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>The registration and subscription bodies are JSON that reads back as what was asked,
/// whatever the strings hold, and are ASCII.</summary>
public sealed class LambdaApiBodyProperties
{
    private static Arbitrary<SubscriptionRequest> Subscriptions =>
        (from schema in Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>("2022-12-13"), Generators.UnicodeString.Select(s => (string?)s))
         from types in Gen.ListOf(Gen.OneOf(Gen.Elements("platform", "function", "extension"), Generators.UnicodeString)).Select(t => t.ToArray())
         from maxItems in Gen.Choose(0, int.MaxValue)
         from maxBytes in Gen.Choose(0, int.MaxValue)
         from timeoutMs in Gen.Choose(0, int.MaxValue)
         from uri in Gen.OneOf(Gen.Constant("http://sandbox.localdomain:1234"), Generators.UnicodeString)
         select new SubscriptionRequest(schema, types, maxItems, maxBytes, timeoutMs, uri))
        .ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Subscription_AnyRequest_ReadsBackAsAsked() => Prop.ForAll(Subscriptions, asked =>
    {
        asked = asked with { SchemaVersion = asked.SchemaVersion is { } s ? Generators.Sound(s) : null, Types = [.. asked.Types.Select(Generators.Sound)], DestinationUri = Generators.Sound(asked.DestinationUri) };

        byte[] body = LambdaApiJson.Subscription(asked);

        Assert.All(body, b => Assert.InRange(b, 0x20, 0x7e));
        using var json = JsonDocument.Parse(body);
        JsonElement root = json.RootElement;
        Assert.Equal(asked.SchemaVersion, root.TryGetProperty("schemaVersion", out JsonElement schema) ? schema.GetString() : null);
        Assert.Equal(asked.Types, root.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        JsonElement buffering = root.GetProperty("buffering");
        Assert.Equal((asked.MaxItems, asked.MaxBytes, asked.TimeoutMs),
            (buffering.GetProperty("maxItems").GetInt32(), buffering.GetProperty("maxBytes").GetInt32(), buffering.GetProperty("timeoutMs").GetInt32()));
        Assert.Equal("HTTP", root.GetProperty("destination").GetProperty("protocol").GetString());
        Assert.Equal(asked.DestinationUri, root.GetProperty("destination").GetProperty("URI").GetString());
    });

    [Property(MaxTest = 100)]
    public Property Register_AnyEvents_ReadBackAsAsked() => Prop.ForAll(
        Gen.ListOf(Gen.OneOf(Gen.Elements("INVOKE", "SHUTDOWN"), Generators.UnicodeString.Select(Generators.Sound))).Select(e => e.ToArray()).ToArbitrary(),
        events =>
        {
            using var json = JsonDocument.Parse(LambdaApiJson.Register(events));

            Assert.Equal(events, json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        });

    [Fact]
    public void Register_TheUsualEvents_IsTheBodyLambdaDocuments() =>
        Assert.Equal("""{"events":["INVOKE","SHUTDOWN"]}""", Encoding.ASCII.GetString(LambdaApiJson.Register(["INVOKE", "SHUTDOWN"])));
}
