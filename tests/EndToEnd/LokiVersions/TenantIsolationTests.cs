using LokiLambdaExtension.EndToEnd.RealLokiSuite;
using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.LokiVersions;

/// <summary><c>LOKI_TENANT_MODE=lambda</c> against a real multi-tenant Loki (<c>-auth.enabled=true</c>), on each release
/// line: three environments in Lambda's tenant isolation mode, of tenants blue and green and of one whose id Loki
/// cannot take. Every line is read back with its own tenant's <c>X-Scope-OrgID</c> and with no other; the fallback
/// tenant holds the init lines, the odd tenant's lines and a line that claims another tenant, and nothing else. What
/// Loki could not take is archived under each tenant's own key prefix, and <c>replay</c> restores it to that tenant.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class TenantIsolationTests(ExtensionBinaryFixture extension)
{
    [LokiVersionFact]
    public Task Loki346_EachLambdaTenantsLines_AreReadableAsThatTenantOnly() => TenantsAsync("3.4.6");

    [LokiVersionFact]
    public Task Loki376_EachLambdaTenantsLines_AreReadableAsThatTenantOnly() => TenantsAsync("3.7.6");

    private async Task TenantsAsync(string version)
    {
        string dir = Directory.CreateTempSubdirectory("loki-tenants-").FullName;
        Uri url = await OwnLoki.StartAsync(version, dir, "-auth.enabled=true");
        try
        {
            string run = Guid.NewGuid().ToString("N")[..8];
            string prefix = $"t{run}-", fallback = $"ops{run}", service = $"saas-{run}";
            string[] tenants = ["blue", "green", "acme/eu"]; // Lambda takes '/', Loki does not
            foreach (string tenant in tenants)
            {
                await PlayAsync(url, service, tenant, prefix, fallback);
            }

            string[] blue = await LinesAsync(url, prefix + "blue", service);
            string[] green = await LinesAsync(url, prefix + "green", service);
            string[] operators = await LinesAsync(url, fallback, service);

            Assert.Equal(["blue says hello", "blue in JSON", "blue again"], Function(blue));
            Assert.Equal(["green says hello", "green in JSON", "green again"], Function(green));
            // START and REPORT are the tenant's own too (platform.start and platform.report name it).
            Assert.Equal(2, blue.Count(l => l.StartsWith("START RequestId:", StringComparison.Ordinal) || l.StartsWith("REPORT RequestId:", StringComparison.Ordinal)));
            Assert.DoesNotContain(blue, l => l.Contains("green", StringComparison.Ordinal) || l.Contains("init of", StringComparison.Ordinal));
            Assert.DoesNotContain(green, l => l.Contains("blue", StringComparison.Ordinal) || l.Contains("init of", StringComparison.Ordinal));
            // The fallback: every environment's init, the odd tenant's whole invocation, the lines claiming another tenant.
            Assert.Equal(["init of acme/eu", "init of blue", "init of green"], operators.Where(l => l.StartsWith("init of", StringComparison.Ordinal)).Order());
            Assert.Equal(["blue claims to be red", "green claims to be red", "acme/eu says hello", "acme/eu in JSON", "acme/eu claims to be red", "acme/eu again"],
                Function(operators).Where(l => !l.StartsWith("init of", StringComparison.Ordinal)));
            Assert.DoesNotContain(operators, l => l.Contains("blue says", StringComparison.Ordinal) || l.Contains("green says", StringComparison.Ordinal));
            // No Loki tenant was made of the red claim, nor of the id Loki cannot take.
            Assert.Empty(await LinesAsync(url, prefix + "red", service));
        }
        finally
        {
            await OwnLoki.StopAsync(version, dir);
        }
    }

    [LokiVersionFact]
    public async Task Loki376_ArchivedLinesOfEachTenant_AreKeptUnderItsPrefix_AndReplayedToIt()
    {
        string dir = Directory.CreateTempSubdirectory("loki-tenants-").FullName;
        Uri url = await OwnLoki.StartAsync("3.7.6", dir, "-auth.enabled=true");
        try
        {
            string run = Guid.NewGuid().ToString("N")[..8];
            string prefix = $"t{run}-", fallback = $"ops{run}", service = $"archived-{run}";
            await using var s3 = await S3Front.StartAsync();
            await using (var down = LokiReceiver.Start())
            {
                down.SetPersistentFault(new Fault.Status(503, "unavailable"));
                foreach (string tenant in new[] { "blue", "acme/eu" })
                {
                    await PlayAsync(down.BaseUrl, service, tenant, prefix, fallback, [.. s3.Environment("lambda").Select(v => (v.Key, v.Value))]);
                }
            }
            string[] keys = [.. s3.Objects().Keys];
            Assert.Contains(keys, k => k.StartsWith($"lambda/tenant={prefix}blue/{service}/", StringComparison.Ordinal));
            Assert.Contains(keys, k => k.StartsWith($"lambda/tenant={fallback}/{service}/", StringComparison.Ordinal));
            Assert.All(keys, k => Assert.Matches($"^lambda/tenant=({prefix}blue|{fallback})/{service}/", k));

            var replayEnvironment = new Dictionary<string, string>(s3.Environment("lambda")) { ["LOKI_PUSH_URL"] = url.ToString(), ["LOKI_TENANT_ID"] = fallback };
            replayEnvironment.Remove("LOKI_ARCHIVE_S3");
            var (exit, output) = await ExtensionBinary.RunAsync(extension.Path, ["replay", $"s3://{s3.Bucket}/lambda"], replayEnvironment, TimeSpan.FromSeconds(120));
            Assert.True(exit == 0, output);

            string[] blue = await LinesAsync(url, prefix + "blue", service);
            string[] operators = await LinesAsync(url, fallback, service);
            Assert.Equal(["blue says hello", "blue in JSON", "blue again"], Function(blue));
            Assert.Equal(["acme/eu again", "acme/eu claims to be red", "acme/eu in JSON", "acme/eu says hello", "blue claims to be red"], Function(operators).Order());
            Assert.Equal(["init of acme/eu", "init of blue"], operators.Where(l => l.StartsWith("init of", StringComparison.Ordinal)).Order());
            Assert.DoesNotContain(operators, l => l.Contains("blue says", StringComparison.Ordinal));
        }
        finally
        {
            await OwnLoki.StopAsync("3.7.6", dir);
        }
    }

    private async Task PlayAsync(Uri url, string service, string tenant, string prefix, string fallback, params (string, string)[] more)
    {
        SandboxOptions options = extension.Options(url, [("LOKI_SERVICE_NAME", service), ("LOKI_TENANT_MODE", "lambda"),
            ("LOKI_TENANT_PREFIX", prefix), ("LOKI_TENANT_ID", fallback), .. more]) with { TenantId = tenant, InitLines = [$"init of {tenant}"] };
        await using var sandbox = await LambdaSandbox.StartAsync(options);
        string requestId = Guid.NewGuid().ToString();
        await sandbox.InvokeAsync(new Invocation(requestId,
        [
            new TelemetryLine.Text($"{tenant} says hello"),
            new TelemetryLine.Json($"{tenant} in JSON"),
            // A JSON line that names another tenant: no tenant gets it.
            new TelemetryLine.Raw("function", $$"""{"level":"INFO","requestId":"{{requestId}}","tenantId":"red","message":"{{tenant}} claims to be red"}"""),
            new TelemetryLine.Text($"{tenant} again"),
        ]));
        await sandbox.ShutdownAsync();
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "dropped"));
        Assert.Contains(sandbox.Output, l => l.Contains(tenant == "acme/eu" ? "is no Loki tenant id" : $"its lines go to Loki tenant '{prefix}{tenant}'",
            StringComparison.Ordinal));
    }

    /// <summary>The lines of <paramref name="service"/> a query as <paramref name="tenant"/> reads, oldest first.</summary>
    private static async Task<string[]> LinesAsync(Uri url, string tenant, string service) =>
        [.. (await new RealLoki(url, tenant).QueryAsync($$"""{service_name="{{service}}"}""")).Select(e => e.Line)];

    /// <summary>The function's own lines among <paramref name="lines"/>: a text line's message (after time, request id
    /// and level), a JSON line's <c>message</c>; platform lines and init's are not the function's invocation lines.</summary>
    private static string[] Function(string[] lines) =>
    [
        .. lines.Select(l => l.StartsWith('{')
                ? System.Text.Json.JsonDocument.Parse(l).RootElement.TryGetProperty("message", out var message) ? message.GetString() : null
                : l.Split('\t') is [_, _, "INFO", var text] ? text.TrimEnd() : null)
            .OfType<string>(),
    ];
}
