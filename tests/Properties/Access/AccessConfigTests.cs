using System.Text;
using LanguageExt;

namespace LokiLambdaExtension.Properties.Access;

/// <summary>Where credentials come from, what a reference to a secret is, and how the services' answers are read.</summary>
public sealed class AccessConfigTests
{
    private const string Arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf";

    private static Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string> { ["LOKI_PUSH_URL"] = "http://loki:3100", ["AWS_REGION"] = "eu-west-1" };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        return environment;
    }

    [Theory]
    [InlineData("http://127.0.0.1:9001/2021-04-23/credentials", true)]
    [InlineData("http://localhost:9001/2021-04-23/credentials", true)]
    [InlineData("http://169.254.170.2/v2/credentials/x", true)]
    [InlineData("http://[::1]:9001/credentials", true)]
    [InlineData("https://credentials.example.com/role", true)]
    [InlineData("http://credentials.example.com/role", false)]
    [InlineData("http://10.0.0.5:9001/credentials", false)]
    [InlineData("http://user:pass@127.0.0.1:9001/credentials", false)]
    [InlineData("ftp://127.0.0.1/credentials", false)]
    public void TheEndpoint_IsAskedOnlyWhereItsTokenCannotTravelInTheClear(string uri, bool taken)
    {
        var problems = new List<string>();
        var env = new Dictionary<string, string> { [CredentialSource.EndpointVariable] = uri, [CredentialSource.AuthorizationVariable] = "endpoint-token" };
        Option<CredentialSource> source = CredentialSource.Read(name => env.GetValueOrDefault(name, ""), problems);

        Assert.Equal(taken, source.IsSome);
        Assert.Equal(taken, problems.Count == 0);
        Assert.DoesNotContain(problems, p => p.Contains("endpoint-token", StringComparison.Ordinal) || p.Contains("pass", StringComparison.Ordinal));
    }

    [Fact]
    public void KeysInTheEnvironment_ComeFirst_TheEndpointElse()
    {
        var (keys, _) = ConfigReader.Read(Environment(("LOKI_AUTH_TOKEN", Arn), ("AWS_ACCESS_KEY_ID", "ASIAKEY"), ("AWS_SECRET_ACCESS_KEY", "s"),
            (CredentialSource.EndpointVariable, "http://127.0.0.1:9001/2021-04-23/credentials")));
        var (endpoint, _) = ConfigReader.Read(Environment(("LOKI_AUTH_TOKEN", Arn),
            (CredentialSource.EndpointVariable, "http://127.0.0.1:9001/2021-04-23/credentials"), (CredentialSource.AuthorizationVariable, "t")));

        Assert.IsType<CredentialSource.EnvironmentKeys>(keys.Access!.Credentials.Case);
        var container = Assert.IsType<CredentialSource.ContainerEndpoint>(endpoint.Access!.Credentials.Case);
        Assert.DoesNotContain("\"t\"", container.ToString());
        Assert.True(endpoint.Headers.IsEmpty, "headers wait for the secret");
        Assert.True(endpoint.PushUri.IsSome);
    }

    [Fact]
    public void AReference_WithoutCredentialsToReadIt_TurnsShippingOff_AndSaysWhy()
    {
        var (config, problems) = ConfigReader.Read(Environment(("LOKI_AUTH_TOKEN", Arn)));

        Assert.True(config.PushUri.IsNone);
        Assert.Contains(problems, p => p.Contains("LOKI_AUTH_TOKEN", StringComparison.Ordinal) && p.Contains("no AWS credentials", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Arn, "secretsmanager", null, null)]
    [InlineData(Arn + ":token", "secretsmanager", "token", null)]
    [InlineData(Arn + "::AWSPREVIOUS", "secretsmanager", null, "AWSPREVIOUS")]
    [InlineData(Arn + ":password:AWSCURRENT:", "secretsmanager", "password", "AWSCURRENT")]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/loki/token", "ssm", null, null)]
    public void References_AreReadAsEcsReadsThem(string text, string service, string? key, string? stage)
    {
        SecretReference reference = SecretReference.Parse("LOKI_AUTH_TOKEN", text, _ => "").Match(r => r, p => throw new Xunit.Sdk.XunitException(p));

        Assert.Equal(service, reference.Call.Service);
        Assert.Equal((key, stage), (reference.JsonKey, reference.VersionStage));
        Assert.Equal("eu-west-1", reference.Region);
        Assert.Equal($"https://{service}.eu-west-1.amazonaws.com/", reference.Endpoint.ToString());
        Assert.DoesNotContain(":token", reference.Arn[(reference.Arn.LastIndexOf("secret:", StringComparison.Ordinal) + 1)..].Replace("secret:", ""));
    }

    [Theory]
    [InlineData("arn:aws:secretsmanager:eu-west-1:123456789012:loki")]
    [InlineData("arn:aws:secretsmanager::123456789012:secret:loki")]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:document/loki")]
    [InlineData("arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki:a:b:c:d")]
    public void AReferenceThatNamesNothing_IsAProblem_AndShippingIsOff(string text)
    {
        var (config, problems) = ConfigReader.Read(Environment(("LOKI_AUTH_TOKEN", text), ("AWS_ACCESS_KEY_ID", "ASIAKEY"), ("AWS_SECRET_ACCESS_KEY", "s")));

        Assert.True(config.PushUri.IsNone);
        Assert.Contains(problems, p => p.Contains("names no secret", StringComparison.Ordinal));
    }

    [Fact]
    public void TheServicesEndpoints_FollowAwsSdksOverrides()
    {
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566", ["AWS_ENDPOINT_URL_SSM"] = "http://127.0.0.1:5000" };
        SecretReference secret = SecretReference.Parse("LOKI_PASSWORD", Arn, n => env.GetValueOrDefault(n, "")).Match(r => r, p => throw new Xunit.Sdk.XunitException(p));
        SecretReference parameter = SecretReference.Parse("LOKI_PASSWORD", "arn:aws:ssm:eu-west-1:1:parameter/p", n => env.GetValueOrDefault(n, ""))
            .Match(r => r, p => throw new Xunit.Sdk.XunitException(p));

        Assert.Equal("http://127.0.0.1:4566/", secret.Endpoint.ToString());
        Assert.Equal("http://127.0.0.1:5000/", parameter.Endpoint.ToString());
    }

    [Theory]
    [InlineData(200, """{"SecretString":"{\"token\":\"glc_1\",\"port\":3100}"}""", "token", "glc_1", null)]
    [InlineData(200, """{"SecretString":"{\"token\":\"glc_1\",\"port\":3100}"}""", "port", "3100", null)]
    [InlineData(200, """{"SecretString":"{\"token\":\"glc_1\"}"}""", "other", null, "the secret has no key 'other'")]
    [InlineData(200, """{"SecretString":"glc_plain"}""", "token", null, "is not a JSON object")]
    [InlineData(200, """{"SecretBinary":"Z2xjX2Jpbg=="}""", null, "glc_bin", null)]
    [InlineData(200, """{"Parameter":{"Value":"x"},"SecretString":"glc_pasted\n"}""", null, "glc_pasted", null)]
    [InlineData(400, """{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}""", null, null,
        "HTTP 400 ResourceNotFoundException: Secrets Manager can't find the specified secret.")]
    [InlineData(400, """{"__type":"com.amazonaws.kms#KMSAccessDeniedException","message":"denied"}""", null, null, "HTTP 400 KMSAccessDeniedException: denied")]
    [InlineData(200, "<html>captive portal</html>", null, null, "not the service's JSON")]
    public void TheServicesAnswers_AreReadWithoutEverQuotingAValue(int status, string body, string? key, string? value, string? problem)
    {
        SecretReference reference = SecretReference.Parse("LOKI_AUTH_TOKEN", Arn + (key is null ? "" : ":" + key), _ => "").Match(r => r, p => throw new Xunit.Sdk.XunitException(p));
        var (read, said, _) = reference.Read(status, Encoding.UTF8.GetBytes(body));

        Assert.Equal(value, read);
        if (problem is not null)
        {
            Assert.Contains(problem, said);
            Assert.DoesNotContain("glc_", said);
        }
    }

    [Theory]
    [InlineData(403, "AccessDenied", true)]
    [InlineData(400, "ExpiredToken", true)]
    [InlineData(400, "ExpiredTokenException", true)]
    [InlineData(400, "UnrecognizedClientException", true)]
    [InlineData(400, "AccessDeniedException", false)]
    [InlineData(503, "SlowDown", false)]
    public void RefusedCredentials_AreTheOnesNewCredentialsMayCure(int status, string code, bool refuses) =>
        Assert.Equal(refuses, AwsErrors.RefusesCredentials(status, code));

    [Fact]
    public void TheEndpointsExpiration_IsMovedOntoTheCoresClock()
    {
        // After a restore the wall clock is days ahead of the process's monotonic one: what counts is how long is left.
        long nowMs = 1_000_000, wallMs = DateTimeOffset.Parse("2026-12-02T11:00:00Z").ToUnixTimeMilliseconds();
        byte[] body = """{"AccessKeyId":"ASIA1","SecretAccessKey":"s3cr3t-value","Token":"t0ken-value","Expiration":"2026-12-02T17:00:00Z"}"""u8.ToArray();
        var (credentials, problem) = AwsCredentials.FromEndpoint(200, body, nowMs, wallMs);

        Assert.Null(problem);
        Assert.Equal(nowMs + 6 * 3_600_000, credentials!.ExpiresAtMs);
        Assert.DoesNotContain("s3cr3t", credentials.ToString());
        Assert.DoesNotContain("t0ken", credentials.ToString());
        Assert.Contains("token was not accepted", AwsCredentials.FromEndpoint(404, [], nowMs, wallMs).Problem);
        Assert.DoesNotContain("s3cr3t", AwsCredentials.FromEndpoint(200, """{"AccessKeyId":"ASIA1","SecretAccessKey":"s3cr3t-value","Expiration":"soon"}"""u8, nowMs, wallMs).Problem
            ?? "");
    }

    /// <summary>A broken or hostile answer (invalid UTF-8 in its strings, nesting past any depth, a body cut short) is a
    /// problem said, never an exception: one thrown in the core's fold would stop shipping.</summary>
    [Theory]
    [InlineData(200, new byte[] { (byte)'{', (byte)'"', (byte)'S', (byte)'e', (byte)'c', (byte)'r', (byte)'e', (byte)'t', (byte)'S', (byte)'t', (byte)'r', (byte)'i', (byte)'n', (byte)'g', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' })]
    [InlineData(400, new byte[] { (byte)'{', (byte)'"', (byte)'_', (byte)'_', (byte)'t', (byte)'y', (byte)'p', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}' })]
    [InlineData(200, new byte[] { (byte)'{', (byte)'"', (byte)'S', (byte)'e', (byte)'c' })]
    public void ABrokenAnswer_IsAProblem_NeverAnException(int status, byte[] body)
    {
        SecretReference reference = SecretReference.Parse("LOKI_AUTH_TOKEN", Arn, _ => "").Match(r => r, p => throw new Xunit.Sdk.XunitException(p));
        var (value, problem, _) = reference.Read(status, body);
        Assert.Null(value);
        Assert.NotNull(problem);
        byte[] deep = Encoding.UTF8.GetBytes("{\"SecretString\":" + new string('[', 5000) + "}");
        Assert.NotNull(reference.Read(200, deep).Problem);
        var (credentials, said) = AwsCredentials.FromEndpoint(status, body, 0, 0);
        Assert.Null(credentials);
        Assert.NotNull(said);
    }
}
