using System.Text;
using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.Secrets;

/// <summary>Loki's credentials kept in AWS, end to end: the AOT binary reads them from Secrets Manager or Parameter
/// Store (a strict front: AWS's signer checks every signature) with the role's credentials the emulator gives, pushes
/// with them, reads them again when Loki starts refusing them (a rotation), and, when one cannot be read, ships
/// nothing, says so once naming the reference, and leaves the function alone.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class LokiSecretsTests(ExtensionBinaryFixture extension)
{
    private const string GetSecretValue = "secretsmanager.GetSecretValue";

    private static Invocation Invoke(string run, int i) => new($"{i:D8}-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order {i} loaded")]);

    private async Task<(LambdaSandbox Sandbox, List<string> Output)> StartAsync(LokiReceiver loki, SecretsFront secrets, params (string, string)[] variables)
    {
        var output = new List<string>();
        var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, [.. secrets.Environment().Select(v => (v.Key, v.Value)), .. variables])
            with { OnOutput = line => { lock (output) { output.Add(line); } } });
        return (sandbox, output);
    }

    [Fact]
    public async Task ATokenInSecretsManager_AFieldOfAJsonSecret_AuthorizesEveryPush_AndIsNeverPrinted()
    {
        await using var secrets = await SecretsFront.StartAsync();
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer glc_token-one" });
        string arn = SecretsFront.SecretArn("loki");
        await secrets.SetAsync(arn, """{"url":"https://logs.example.com","token":"glc_token-one"}""");
        string run = Guid.NewGuid().ToString("N")[..8];
        var (sandbox, output) = await StartAsync(loki, secrets, ("LOKI_AUTH_TOKEN", arn + ":token"));
        await using (sandbox)
        {
            for (int i = 1; i <= 3; i++)
            {
                await sandbox.InvokeAsync(Invoke(run, i));
            }
            ShutdownResult shutdown = await sandbox.ShutdownAsync();
            Assert.Equal(0, shutdown.ExitCode);
        }

        for (int i = 1; i <= 3; i++)
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} order {i} loaded", StringComparison.Ordinal));
        }
        Assert.All(loki.Pushes, p => Assert.Equal(204, p.Status));
        Assert.Equal(1, (await secrets.StatsAsync()).Calls[GetSecretValue]);
        Assert.DoesNotContain("glc_token-one", string.Join("\n", output));
        RoleCredentialsTests.NoCredentialIn(output);
    }

    [Fact]
    public async Task ATokenRotatedWhileLokiStartsRefusingTheOldOne_OneRefusal_TheSecretReadAgain_EveryLineDelivered()
    {
        await using var secrets = await SecretsFront.StartAsync();
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer token-before" });
        string arn = SecretsFront.SecretArn("loki-token");
        await secrets.SetAsync(arn, "token-before");
        string run = Guid.NewGuid().ToString("N")[..8];
        var (sandbox, output) = await StartAsync(loki, secrets, ("LOKI_AUTH_TOKEN", arn));
        await using (sandbox)
        {
            await sandbox.InvokeAsync(Invoke(run, 1));
            await sandbox.InvokeAsync(Invoke(run, 2));
            // The rotation: the secret changes, and Loki takes only the new token from now on.
            await secrets.SetAsync(arn, "token-after");
            loki.RequireAuthorization("Bearer token-after");
            for (int i = 3; i <= 5; i++)
            {
                await sandbox.InvokeAsync(Invoke(run, i));
            }
            ShutdownResult shutdown = await sandbox.ShutdownAsync();
            Assert.Equal(0, shutdown.ExitCode);
        }

        for (int i = 1; i <= 5; i++)
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} order {i} loaded", StringComparison.Ordinal));
        }
        // One batch refused: one request per stream of it (platform and function), sent together.
        var refused = loki.Pushes.Where(p => p.Status == 401).ToList();
        Assert.InRange(refused.Count, 1, 2);
        Assert.All(refused, p => Assert.Equal("Bearer token-before", p.Authorization));
        Assert.True(refused.Count == 1 || refused[1].Index == refused[0].Index + 1, "the refused requests were one batch's");
        Assert.Equal(2, (await secrets.StatsAsync()).Calls[GetSecretValue]);
        string all = string.Join("\n", output);
        Assert.Contains("rejected=0", all);
        Assert.Contains("dropped=0", all);
        Assert.DoesNotContain("token-before", all);
        Assert.DoesNotContain("token-after", all);
    }

    [Fact]
    public async Task APasswordInParameterStore_IsDecrypted_AndAuthorizesBasicAuth()
    {
        await using var secrets = await SecretsFront.StartAsync();
        string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("123456:glc_parameter-secret"));
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = basic });
        string arn = SecretsFront.ParameterArn("loki/password");
        await secrets.SetAsync(arn, "glc_parameter-secret");
        string run = Guid.NewGuid().ToString("N")[..8];
        var (sandbox, output) = await StartAsync(loki, secrets, ("LOKI_USERNAME", "123456"), ("LOKI_PASSWORD", arn));
        await using (sandbox)
        {
            await sandbox.InvokeAsync(Invoke(run, 1));
            Assert.Equal(0, (await sandbox.ShutdownAsync()).ExitCode);
        }

        Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} order 1 loaded", StringComparison.Ordinal));
        SecretsStats stats = await secrets.StatsAsync();
        Assert.Equal(1, stats.Calls["AmazonSSM.GetParameter"]);
        Assert.True(stats.Decrypted, "GetParameter asked WithDecryption");
        Assert.DoesNotContain("glc_parameter-secret", string.Join("\n", output));
    }

    /// <summary>A secret that cannot be read: nothing is pushed unauthenticated, the function's invocations are not held
    /// past the flush budget, and one line names the reference and AWS's answer, never a value.</summary>
    [Theory]
    [InlineData("ResourceNotFoundException")]
    [InlineData("AccessDeniedException")]
    [InlineData("ThrottlingException")]
    [InlineData("DecryptionFailure")]
    public async Task ASecretThatCannotBeRead_ShipsNothing_SaysSoOnce_AndLeavesTheFunctionAlone(string code)
    {
        await using var secrets = await SecretsFront.StartAsync();
        await using var loki = LokiReceiver.Start();
        string arn = SecretsFront.SecretArn("unreadable");
        if (code != "ResourceNotFoundException")
        {
            await secrets.SetAsync(arn, "value-that-must-not-show");
            await secrets.FaultAsync(arn, code, count: -1);
        }
        string run = Guid.NewGuid().ToString("N")[..8];
        var (sandbox, output) = await StartAsync(loki, secrets, ("LOKI_AUTH_TOKEN", arn));
        var held = new List<TimeSpan>();
        await using (sandbox)
        {
            for (int i = 1; i <= 3; i++)
            {
                held.Add((await sandbox.InvokeAsync(Invoke(run, i))).HeldAfterRuntimeDone);
            }
            ShutdownResult shutdown = await sandbox.ShutdownAsync();
            Assert.Equal(0, shutdown.ExitCode);
            Assert.False(shutdown.Killed);
            Assert.Empty(sandbox.ProtocolErrors);
        }

        Assert.Empty(loki.Pushes);
        // The exact bound (a read only within the 1000 ms flush budget) is AccessWorld's rule on simulated time; here, as
        // in every end-to-end test, only that the function is not held hostage (CI's arm64 pass runs under emulation).
        Assert.All(held, h => Assert.InRange(h.TotalMilliseconds, 0, NotHostage.BoundMs));
        string all = string.Join("\n", output);
        Assert.Single(output, line => line.Contains("cannot read", StringComparison.Ordinal) && line.Contains(arn, StringComparison.Ordinal)
            && line.Contains(code, StringComparison.Ordinal));
        Assert.DoesNotContain("value-that-must-not-show", all);
    }

    [Fact]
    public async Task ASecretThrottledAtInit_IsReadOnALaterTry_AndNoLineIsLost()
    {
        await using var secrets = await SecretsFront.StartAsync();
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer later" });
        string arn = SecretsFront.SecretArn("throttled");
        await secrets.SetAsync(arn, "later");
        await secrets.FaultAsync(arn, "ThrottlingException", count: 1);
        string run = Guid.NewGuid().ToString("N")[..8];
        var (sandbox, output) = await StartAsync(loki, secrets, ("LOKI_AUTH_TOKEN", arn));
        await using (sandbox)
        {
            for (int i = 1; i <= 3; i++)
            {
                await sandbox.InvokeAsync(Invoke(run, i));
            }
            Assert.Equal(0, (await sandbox.ShutdownAsync()).ExitCode);
        }

        for (int i = 1; i <= 3; i++)
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} order {i} loaded", StringComparison.Ordinal));
        }
        Assert.Contains(output, line => line.Contains("secrets for Loki are read again", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains(" later", StringComparison.Ordinal) && !line.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_ReadsEachReference_AndSaysWhichResolved()
    {
        await using var secrets = await SecretsFront.StartAsync();
        await using var loki = LokiReceiver.Start();
        string token = SecretsFront.SecretArn("check-token");
        string headers = SecretsFront.ParameterArn("check/headers");
        await secrets.SetAsync(token, "check-token-value");
        var environment = new Dictionary<string, string>(secrets.Environment())
        {
            ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(),
            ["LOKI_AUTH_TOKEN"] = token,
            ["LOKI_HEADERS"] = headers,
            ["AWS_ACCESS_KEY_ID"] = "ASIACHECK",
            ["AWS_SECRET_ACCESS_KEY"] = "secret-of-ASIACHECK",
            ["AWS_REGION"] = "eu-west-1",
        };

        var (failedCode, failed) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));
        await secrets.SetAsync(headers, "X-Team=payments");
        var (passedCode, passed) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));

        Assert.True(failedCode == 1, failed);
        Assert.Contains($"secret LOKI_AUTH_TOKEN ({token}): resolved", failed);
        Assert.Contains($"secret LOKI_HEADERS ({headers}): FAILED (HTTP 400 ParameterNotFound)", failed);
        Assert.True(passedCode == 0, passed);
        Assert.Contains($"secret LOKI_HEADERS ({headers}): resolved", passed);
        Assert.Single(loki.Pushes);
        Assert.Equal("Bearer check-token-value", loki.Pushes[0].Authorization);
        Assert.DoesNotContain("check-token-value", failed + passed);
        Assert.DoesNotContain("secret-of-ASIACHECK", failed + passed);
    }
}
