using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class ConfigProperties
{
    /// <summary>Every declared variable, and the one of Lambda's that the reader uses as a fallback.</summary>
    private static readonly string[] Variables = [.. ConfigValues.VariableNames, "AWS_LAMBDA_FUNCTION_NAME"];

    /// <summary>Values people actually type wrong, and anything at all.</summary>
    private static readonly Gen<string> Values = Gen.OneOf(
        Generators.UnicodeString,
        Gen.Elements("", " ", "0", "-1", "9001", "65536", "1e3", "99999999999999999999", "true", "TRUE", "yes", "debug",
            "http://", "https://logs.example.com/", "ftp://x", "http://user:pw@host", "a=b,c", "=x", "a-b=1", "(unclosed",
            "platform,bogus", "Authorization=x\r\ny", "X-Test=ok", "env=prod,team=payments", "tenant/1", "..", "1000000000",
            "adaptive", "periodic,500", "periodic,5", "periodic"));

    private static readonly Arbitrary<Dictionary<string, string>> Environments = Shrinking.Environment(
        from values in Values.ArrayOf(Variables.Length)
         from mask in Gen.Choose(0, (1 << Variables.Length) - 1)
         select Variables.Select((name, i) => (name, value: values[i], set: (mask >> i & 1) == 1))
             .Where(v => v.set).ToDictionary(v => v.name, v => v.value));

    [Property(MaxTest = 1000)]
    public Property Read_AnyValueInAnyVariable_GivesAConfigAndProblemsThatNameTheirVariable() => Prop.ForAll(Environments, environment =>
    {
        var (config, problems) = ConfigReader.Read(environment);

        Assert.InRange(config.ListenerPort, 1, 65535);
        Assert.NotEqual(9001, config.ListenerPort);
        Assert.InRange(config.Buffering.MaxItems, 1000, 10_000);
        Assert.InRange(config.Buffering.MaxBytes, 262_144, 1_048_576);
        Assert.InRange(config.Buffering.TimeoutMs, 25, 30_000);
        Assert.All(config.TelemetryTypes, t => Assert.Contains(t, new[] { "platform", "function", "extension" }));
        Assert.All(config.Headers, h => Assert.DoesNotContain(h.Value, c => c < ' '));
        Assert.All(problems, p => Assert.Contains(Variables, v => p.Contains(v)));
        Assert.Equal(environment.TryGetValue("LOKI_PUSH_URL", out string? url) && url.Trim().Length > 0 ? 0 : 1,
            problems.Count(p => p.StartsWith("LOKI_PUSH_URL is not set", StringComparison.Ordinal)));
    });

    [Property(MaxTest = 300)]
    public Property Read_SecretsInAnyShape_NeverAppearInAProblem() =>
        Prop.ForAll(Environments, Gen.Elements([.. ConfigValues.SecretVariables]).ToArbitrary(), (environment, secretVariable) =>
        {
            const string secret = "s3cr3t-Zq9";
            environment[secretVariable] = secretVariable == "LOKI_HEADERS" ? $"X-Api-Key={secret}\n,Bad Name={secret}" : secret + "\u0001";
            environment["LOKI_USERNAME"] = "user";

            var (_, problems) = ConfigReader.Read(environment);

            Assert.All(problems, p => Assert.DoesNotContain(secret, p));
        });

    [Theory]
    [InlineData("http://loki:3100", "http://loki:3100/loki/api/v1/push")]
    [InlineData("https://logs.example.com/", "https://logs.example.com/loki/api/v1/push")]
    [InlineData("https://logs.example.com/loki/api/v1/push", "https://logs.example.com/loki/api/v1/push")]
    [InlineData("https://gateway.example.com/tenant-a", "https://gateway.example.com/tenant-a/loki/api/v1/push")]
    public void ParsePushUrl_BaseOrFullUrl_GivesThePushUrl(string given, string expected) =>
        Assert.Equal(expected, ConfigReader.ParsePushUrl(given).Match(uri => uri.ToString(), problem => problem));

    [Fact]
    public void Read_BasicAuthAndTenant_BecomeHeaders()
    {
        var (config, problems) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "https://logs.example.com",
            ["LOKI_USERNAME"] = "123456",
            ["LOKI_PASSWORD"] = "glc_token",
            ["LOKI_TENANT_ID"] = "team-a",
            ["LOKI_HEADERS"] = "X-Extra=1, X-Scope-OrgID=dup",
        });

        (string, string)[] expected = [("Authorization", "Basic MTIzNDU2OmdsY190b2tlbg=="), ("X-Scope-OrgID", "team-a"), ("X-Extra", "1")];
        Assert.Equal(expected, config.Headers.Select(h => (h.Name, h.Value)).ToArray());
        Assert.Equal("LOKI_HEADERS entry 2 'X-Scope-OrgID' repeats a header already set; skipped (its text is not shown: it may hold a secret)", Assert.Single(problems));
    }

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("transfer-encoding")]
    [InlineData("Connection")]
    [InlineData("Upgrade")]
    public void Read_AnExtraHeaderThePushSetsItself_IsSkipped(string name)
    {
        var (config, problems) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "https://logs.example.com",
            ["LOKI_HEADERS"] = $"X-Extra=1, {name}=x",
        });

        Assert.Equal([("X-Extra", "1")], config.Headers.Select(h => (h.Name, h.Value)).ToArray());
        Assert.Equal($"LOKI_HEADERS entry 2 '{name}' would replace a header the push needs; skipped (its text is not shown: it may hold a secret)",
            Assert.Single(problems));
    }

    [Fact]
    public void Read_MaskPatternThatDoesNotCompile_TurnsShippingOff()
    {
        var (config, problems) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "https://logs.example.com",
            ["LOKI_MASK_PATTERN"] = "card=(\\d+",
        });

        Assert.True(config.PushUri.IsNone);
        Assert.Contains(problems, p => p.StartsWith("LOKI_MASK_PATTERN='card=(\\d+' is not a valid .NET regular expression", StringComparison.Ordinal));
    }
}
