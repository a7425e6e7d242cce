using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties.Hostile;

/// <summary>No value that may be a secret is printed: for a secret put anywhere a user might put one (a secret
/// variable, a URL's user info or query, a scheme-less <c>user:pass@host</c>, a misspelled variable, a header entry that
/// is not Name=value), neither the configuration's problems nor what <c>--check</c> shows of each variable contain it.</summary>
public sealed class RedactionProperties
{
    [Property(MaxTest = 300)]
    public Property ASecretAnywhereAUserMightPutOne_IsNeverPrinted() =>
        Prop.ForAll(Shrinking.Text(Secret), Placement.ToArbitrary(), (secret, place) =>
        {
            var environment = new Dictionary<string, string>
            {
                ["LOKI_PUSH_URL"] = "https://logs.example.com",
                ["AWS_LAMBDA_FUNCTION_NAME"] = "orders",
            };
            foreach (var (name, value) in place(secret))
            {
                environment[name] = value;
            }

            var (_, problems) = ConfigReader.Read(environment);
            IEnumerable<string> shown = environment.Select(v => Redaction.Shown(v.Key, v.Value));

            Assert.All(problems.Concat(shown), line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
        });

    [Theory]
    [InlineData("https://user:pw@logs.example.com/loki?api_key=s3cr3t#frag", "https://***@logs.example.com/loki?…")]
    [InlineData("user:s3cr3t@logs.example.com", "***@logs.example.com")]
    [InlineData("http://logs.example.com:3100/", "http://logs.example.com:3100/")]
    [InlineData("https://a@b@host/p@q?x", "https://***@host/p@q?…")]
    public void Url_KeepsSchemeHostPortAndPathOnly(string url, string shown) => Assert.Equal(shown, Redaction.Url(url));

    [Fact]
    public void AMisspelledVariable_IsNamedWithAHintButNoValue()
    {
        string shown = Redaction.Shown("LOKI_AUTH_TOKN", "glc_secret");

        Assert.DoesNotContain("glc_secret", shown);
        Assert.Contains("did you mean LOKI_AUTH_TOKEN?", shown);
    }

    private static Gen<string> Secret => Gen.Choose(8, 24).SelectMany(n => Gen.Elements("abcdefXYZ0123456789_".ToCharArray()).ArrayOf(n))
        .Select(chars => "S" + new string(chars) + "9");

    private static Gen<Func<string, (string Name, string Value)[]>> Placement => Gen.Elements<Func<string, (string, string)[]>>(
        s => [("LOKI_AUTH_TOKEN", s)],
        s => [("LOKI_AUTH_TOKEN", "Bearer\n" + s)],
        s => [("LOKI_USERNAME", "a:" + s), ("LOKI_PASSWORD", s)],
        s => [("LOKI_USERNAME", s)],
        s => [("LOKI_PASSWORD", s)],
        s => [("LOKI_PUSH_URL", $"https://user:{s}@logs.example.com")],
        s => [("LOKI_PUSH_URL", $"https://logs.example.com/?api_key={s}")],
        s => [("LOKI_PUSH_URL", $"user:{s}@logs.example.com")],
        s => [("LOKI_PUSH_URL", $"ftp://u:{s}@logs.example.com")],
        s => [("LOKI_ARCHIVE_S3_ENDPOINT", $"http://key:{s}@127.0.0.1:9000")],
        s => [("LOKI_ARCHIVE_S3", $"s3://AKIA:{s}@bucket/prefix")],
        s => [("LOKI_AUTH_TOKN", s)],
        s => [("LOKI_HEADERS", $"Authorization: Basic {s}=")],
        s => [("LOKI_HEADERS", $"X-Key={s}\u0001")],
        s => [("LOKI_HEADERS", $"Content-Type={s}")]);
}
