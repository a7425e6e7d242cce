using System.Text;

namespace LokiLambdaExtension.EndToEnd;

[Collection(ExtensionCollection.Name)]
public sealed class ConfigurationTests(ExtensionBinaryFixture extension)
{
    private static Invocation OneLine(string requestId, string line) => new(requestId, [new TelemetryLine.Text(line)]);

    [Fact]
    public async Task NoPushUrl_TheFunctionRunsAsWithoutTheLayer_AndOneLineSaysWhy()
    {
        await using var sandbox = await LambdaSandbox.StartAsync(ExtensionBinary.Options(extension.Path, new Dictionary<string, string>()));

        InvocationResult result = await sandbox.InvokeAsync(OneLine("a0000000-0000-4000-8000-000000000001", "hello"));
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.NotNull(result.ExtensionReadyAt);
        Assert.InRange(result.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.Null(sandbox.Subscription);
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Single(sandbox.Output, l => l.Contains("ERROR LOKI_PUSH_URL is not set: give the Loki base URL"));
    }

    [Fact]
    public async Task BasicAuthAndTenant_AreAcceptedByALokiThatRequiresThem_AndThePasswordIsNeverPrinted()
    {
        const string password = "glc_eyJvIjoiMTIzNDU2In0=";
        await using var loki = LokiReceiver.Start(new ReceiverOptions
        {
            RequiredAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"123456:{password}")),
            RequiredTenant = "team-a",
        });
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            ("LOKI_USERNAME", "123456"), ("LOKI_PASSWORD", password), ("LOKI_TENANT_ID", "team-a"), ("LOKI_LOG_LEVEL", "debug")));

        await sandbox.InvokeAsync(OneLine("a0000000-0000-4000-8000-000000000002", "authorised"));
        await sandbox.ShutdownAsync();

        Assert.NotEmpty(loki.Pushes);
        Assert.All(loki.Pushes, p => Assert.Equal((204, "team-a"), (p.Status, p.Tenant)));
        Assert.Single(loki.Entries, e => e.Line.EndsWith("\tauthorised", StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Output, l => l.Contains(password));
    }

    [Fact]
    public async Task TelemetryApiRefused_SubscribesToTheLogsApi_AndShipsItsRecords()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with { TelemetryApiAvailable = false });

        InvocationResult result = await sandbox.InvokeAsync(OneLine("a0000000-0000-4000-8000-000000000003", "via the logs api"));
        await sandbox.ShutdownAsync();

        Assert.Equal("logs", sandbox.Subscription!.Api);
        Assert.Null(sandbox.Subscription.SchemaVersion);
        Assert.Contains(sandbox.Output, l => l.Contains("subscribed to the Logs API after the Telemetry API (schema 2025-01-29) refused")
                                             && l.Contains("the Telemetry API (schema 2022-12-13) refused"));
        ReceivedEntry line = Assert.Single(loki.Entries, e => e.Line.EndsWith("\tvia the logs api", StringComparison.Ordinal));
        Assert.True(line.ArrivedAt <= result.FrozenAt, "platform.end must end the invocation as runtimeDone does");
        Assert.Single(loki.Entries, e => e.Line == $"END RequestId: {result.RequestId}" && e.MetadataValue("type") == "platform.end");
    }

    [Fact]
    public async Task DropAndMaskPatterns_AreApplied_AndTheExtensionsOwnOutputNeverComesBack()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            ("LOKI_DROP_PATTERN", "healthcheck"),
            ("LOKI_MASK_PATTERN", @"\b\d{4}-\d{4}-\d{4}-\d{4}\b|token=\S+"),
            ("LOKI_TELEMETRY_TYPES", "platform,function,extension")));

        await sandbox.InvokeAsync(new Invocation("a0000000-0000-4000-8000-000000000004",
        [
            new TelemetryLine.Text("GET /healthcheck 200"),
            new TelemetryLine.Text("paid with 4111-1111-1111-1111 using token=abc123"),
            new TelemetryLine.Raw("extension", "\"[otel] exporter queue 3/512\\n\""),
        ]));
        await sandbox.ShutdownAsync();

        var entries = loki.Entries;
        Assert.DoesNotContain(entries, e => e.Line.Contains("healthcheck"));
        ReceivedEntry masked = Assert.Single(entries, e => e.Line.Contains("paid with"));
        Assert.EndsWith("paid with *** using ***", masked.Line);
        Assert.Single(entries, e => e.Line == "[otel] exporter queue 3/512" && e.LabelMap["source"] == "extension");
        Assert.DoesNotContain(entries, e => e.Line.Contains("[loki-lambda-extension]"));
        Assert.Contains(sandbox.Output, l => l.Contains("filtered=1"));
    }

    [Fact]
    public async Task FailOnConfigError_ReportsAnInitErrorToLambda()
    {
        var options = ExtensionBinary.Options(extension.Path, new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "not a url",
            ["LOKI_FAIL_ON_CONFIG_ERROR"] = "true",
        });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LambdaSandbox.StartAsync(options));

        Assert.Contains("exited with code 1 during init", failure.Message);
        Assert.Contains("/2020-01-01/extension/init/error: Extension.ConfigError", failure.Message);
        Assert.Contains("LOKI_PUSH_URL='not a url' is not an http(s) URL", failure.Message);
    }

    [Fact]
    public async Task Check_HealthyLoki_StoresATestEntryAndExitsZero()
    {
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer good-token" });

        var (code, output) = await Check(new() { ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["LOKI_AUTH_TOKEN"] = "good-token" });

        Assert.Equal(0, code);
        Assert.Contains($"POST {loki.BaseUrl}loki/api/v1/push -> HTTP 204 in ", output);
        Assert.Contains("OK: Loki stored the test entry", output);
        Assert.Contains("LOKI_AUTH_TOKEN = (set, 10 characters, not shown)", output);
        Assert.DoesNotContain("good-token", output);
        Assert.Single(loki.Entries, e => e.Line.StartsWith("loki-lambda-extension --check: test entry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_InLambdaTenantMode_SaysWhereTenantsGo_AndPushesToTheFallbackTenant()
    {
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredTenant = "acme-ops" });

        var (code, output) = await Check(new()
        {
            ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["LOKI_TENANT_MODE"] = "lambda", ["LOKI_TENANT_PREFIX"] = "acme-", ["LOKI_TENANT_ID"] = "acme-ops",
        });

        Assert.True(code == 0, output);
        Assert.Contains("tenants: each Lambda tenant's lines go to Loki tenant 'acme-<tenant id>'; this test entry, like init's lines, to the fallback tenant 'acme-ops'", output);
        Assert.Equal("acme-ops", Assert.Single(loki.Pushes).Tenant);
    }

    [Fact]
    public async Task Check_RefusedCredentials_ExitsNonZeroNamingTheUrlAndLokisAnswer()
    {
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer good-token" });

        var (code, output) = await Check(new() { ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["LOKI_AUTH_TOKEN"] = "bad-token" });

        Assert.Equal(1, code);
        Assert.Contains("-> HTTP 401 in ", output);
        Assert.Contains("invalid credentials", output);
        Assert.Contains($"FAILED: Loki at {loki.BaseUrl}loki/api/v1/push refused the credentials", output);
    }

    [Fact]
    public async Task Check_UnreachableLoki_ExitsNonZeroNamingTheUrl()
    {
        int closedPort;
        using (var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            socket.Start();
            closedPort = ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
        }

        var (code, output) = await Check(new() { ["LOKI_PUSH_URL"] = $"http://127.0.0.1:{closedPort}" });

        Assert.Equal(1, code);
        Assert.Contains($"POST http://127.0.0.1:{closedPort}/loki/api/v1/push -> no answer", output);
        Assert.Contains($"FAILED: Loki at http://127.0.0.1:{closedPort}/loki/api/v1/push is unreachable", output);
    }

    [Fact]
    public async Task Check_Https_TrustsATestCaOnlyThroughSslCertFile()
    {
        await using var loki = LokiReceiver.Start();
        await using var tls = TlsFront.Start(loki.BaseUrl);

        var (trustedCode, trusted) = await Check(new() { ["LOKI_PUSH_URL"] = tls.BaseUrl.ToString(), ["SSL_CERT_FILE"] = tls.CaCertificateFile });
        var (refusedCode, refused) = await Check(new() { ["LOKI_PUSH_URL"] = tls.BaseUrl.ToString() });

        Assert.True(trustedCode == 0, trusted);
        Assert.Contains("-> HTTP 204", trusted);
        Assert.Equal(1, refusedCode);
        Assert.Contains("SecureConnectionError", refused);
        Assert.Contains("the server's certificate chain is not trusted (", refused);
        Assert.Single(loki.Entries);
    }

    [Fact]
    public async Task Check_Https_TrustsACaInSslCertDir_AndRefusesACertificateForAnotherName()
    {
        await using var loki = LokiReceiver.Start();
        await using var tls = TlsFront.Start(loki.BaseUrl);
        await using var elsewhere = TlsFront.Start(loki.BaseUrl, certificateFor: "loki.elsewhere.test");
        string directory = Directory.CreateTempSubdirectory("trusted-").FullName;
        File.Copy(tls.CaCertificateFile, Path.Combine(directory, "test-ca.pem"));
        File.Copy(elsewhere.CaCertificateFile, Path.Combine(directory, "elsewhere-ca.pem"));
        try
        {
            var (trustedCode, trusted) = await Check(new() { ["LOKI_PUSH_URL"] = tls.BaseUrl.ToString(), ["SSL_CERT_DIR"] = directory });
            var (wrongNameCode, wrongName) = await Check(new() { ["LOKI_PUSH_URL"] = elsewhere.BaseUrl.ToString(), ["SSL_CERT_DIR"] = directory });

            Assert.True(trustedCode == 0, trusted);
            Assert.Contains("-> HTTP 204", trusted);
            Assert.Equal(1, wrongNameCode);
            Assert.Contains("the server's certificate is not for localhost", wrongName);
            Assert.Single(loki.Entries);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<(int ExitCode, string Output)> Check(Dictionary<string, string> environment) =>
        ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));
}
