using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary>The archive's configuration: the location, the credentials Lambda gives, the key layout.</summary>
public sealed class ArchiveConfigTests
{
    private static Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "http://loki:3100", ["AWS_LAMBDA_FUNCTION_NAME"] = "orders-api", ["AWS_REGION"] = "eu-west-3",
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["AWS_SESSION_TOKEN"] = "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        return environment;
    }

    [Fact]
    public void Read_LocationModeEndpointAndCredentials_MakeTheTarget()
    {
        var (config, problems) = ConfigReader.Read(Environment(("LOKI_ARCHIVE_S3", "s3://log-archive/lambda/prod/"), ("LOKI_ARCHIVE_MODE", "all"),
            ("LOKI_ARCHIVE_S3_ENDPOINT", "http://127.0.0.1:9000"), ("LOKI_SERVICE_NAME", "payments")));

        Assert.Empty(problems);
        ArchiveTarget target = config.Archive.Case as ArchiveTarget ?? throw new Xunit.Sdk.XunitException("no archive");
        Assert.Equal(("log-archive", "lambda/prod"), (target.Location.Bucket, target.Location.Prefix));
        Assert.Equal(ArchiveMode.All, target.Mode);
        Assert.Equal(("eu-west-3", "payments"), (target.Region, target.ServiceName));
        var keys = Assert.IsType<CredentialSource.EnvironmentKeys>(config.Access!.Credentials.Case);
        Assert.Equal("IQoJb3JpZ2luX2VjEXAMPLETOKEN", keys.Keys.SessionToken);
        Assert.Equal("http://127.0.0.1:9000/log-archive/lambda/prod/a%20b%2Bc/d", target.ObjectUri("lambda/prod/a b+c/d").AbsoluteUri);
        Assert.DoesNotContain("wJalr", target.ToString());
    }

    [Fact]
    public void Read_WithoutAnEndpoint_AddressesAwsS3VirtualHostedInTheRegion()
    {
        var (config, _) = ConfigReader.Read(Environment(("LOKI_ARCHIVE_S3", "s3://log-archive")));

        ArchiveTarget target = config.Archive.Case as ArchiveTarget ?? throw new Xunit.Sdk.XunitException("no archive");
        Assert.Equal(ArchiveMode.Fallback, target.Mode);
        Assert.Equal("https://log-archive.s3.eu-west-3.amazonaws.com/orders-api/x", target.ObjectUri("orders-api/x").AbsoluteUri);
    }

    [Theory]
    [InlineData("LOKI_ARCHIVE_S3", "https://log-archive/lambda", "is not s3://bucket/prefix")]
    [InlineData("LOKI_ARCHIVE_S3", "s3://ab/lambda", "names no valid bucket")]
    [InlineData("LOKI_ARCHIVE_S3", "s3://Log_Archive", "names no valid bucket")]
    [InlineData("LOKI_ARCHIVE_S3_ENDPOINT", "minio:9000", "is not an http(s) URL")]
    [InlineData("AWS_ACCESS_KEY_ID", "", "AWS_ACCESS_KEY_ID is not set")]
    [InlineData("AWS_SECRET_ACCESS_KEY", "", "AWS_SECRET_ACCESS_KEY is not set")]
    public void Read_AProblem_TurnsTheArchiveOff_AndSaysWhy(string name, string value, string said)
    {
        var environment = Environment(("LOKI_ARCHIVE_S3", "s3://log-archive/lambda"), (name, value));
        if (value.Length == 0)
        {
            environment.Remove(name);
        }
        var (config, problems) = ConfigReader.Read(environment);

        Assert.True(config.Archive.IsNone);
        Assert.Contains(problems, p => p.Contains(said, StringComparison.Ordinal));
        Assert.True(config.PushUri.IsSome, "the archive's problem does not stop shipping to Loki");
        Assert.All(problems, p => Assert.DoesNotContain("wJalr", p));
    }

    [Fact]
    public void Key_HasTheDocumentedLayout()
    {
        long first = new DateTimeOffset(2026, 11, 26, 1, 2, 3, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000 + 123_456_789;
        Assert.Equal("lambda/orders-api/2026/11/26/01/20261126T010203.123456789Z-042137-000001",
            ArchiveKeys.For(new ArchiveLocation("log-archive", "lambda"), "orders-api", first, 42137, 1));
        Assert.Equal("a_b/2026/11/26/01/20261126T010203.123456789Z-000000-000002",
            ArchiveKeys.For(new ArchiveLocation("log-archive", ""), "a/b", first, 0, 2));
    }

    [Property(MaxTest = 500)]
    public Property Keys_SortAsTheirFirstEntryTimes() => Prop.ForAll(
        Gen.Choose(0, int.MaxValue).Select(n => 1_600_000_000_000_000_000L + (long)n * 987_654_321L).Two().ToArbitrary(), times =>
        {
            var location = new ArchiveLocation("log-archive", "lambda");
            string a = ArchiveKeys.For(location, "svc", times.Item1, 7, 3);
            string b = ArchiveKeys.For(location, "svc", times.Item2, 999_999, 1);
            if (times.Item1 != times.Item2)
            {
                Assert.Equal(Math.Sign(times.Item1.CompareTo(times.Item2)), Math.Sign(string.CompareOrdinal(a, b)));
            }
        });
}
