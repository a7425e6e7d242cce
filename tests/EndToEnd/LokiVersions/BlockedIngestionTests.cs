using LokiLambdaExtension.EndToEnd.RealLokiSuite;
using LokiLambdaExtension.EndToEnd.Rie;

namespace LokiLambdaExtension.EndToEnd.LokiVersions;

/// <summary>A tenant whose ingestion is blocked (<c>-limits.block-ingestion-until</c>), on each release line of Loki the
/// project is judged by: Loki answers 260, a 2xx that stores nothing; the extension counts the lines dropped with the
/// cause <c>ingestion_blocked</c>, says so, and never counts them sent. Each test starts its own Loki, since the block
/// is Loki-wide.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class BlockedIngestionTests(ExtensionBinaryFixture extension)
{
    [LokiVersionFact]
    public Task Loki346_ABlockedTenantsPushes_AreDroppedAndSaid_NeverCountedSent() => BlockedAsync("3.4.6");

    [LokiVersionFact]
    public Task Loki376_ABlockedTenantsPushes_AreDroppedAndSaid_NeverCountedSent() => BlockedAsync("3.7.6");

    private async Task BlockedAsync(string version)
    {
        string dir = Directory.CreateTempSubdirectory("loki-blocked-").FullName;
        Uri url = await OwnLoki.StartAsync(version, dir, "-limits.block-ingestion-until=2099-01-01T00:00:00Z");
        try
        {
            string service = $"blocked-{Guid.NewGuid():N}"[..20];
            SandboxRun run = await SandboxRun.PlayAsync(extension, url, service,
                [new Invocation("0000000b-0000-4000-8000-000000000001", [new TelemetryLine.Text("refused by a blocked tenant")])]);

            Assert.Equal(0, run.Summary("sent"));
            Assert.True(run.Summary("dropped") > 0);
            Assert.Contains(run.Output, l => l.Contains("ingestion is blocked for this tenant (HTTP 260)", StringComparison.Ordinal));
            Assert.Empty(await new RealLoki(url).QueryAsync($$"""{service_name="{{service}}"}"""));
        }
        finally
        {
            await OwnLoki.StopAsync(version, dir);
        }
    }
}
