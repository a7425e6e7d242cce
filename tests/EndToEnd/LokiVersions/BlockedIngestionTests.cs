using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        Uri url = await StartAsync(version, dir, "-limits.block-ingestion-until=2099-01-01T00:00:00Z");
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
            await RunAsync(Path.Combine(RieRun.SharedDirectory, "loki", "stop-loki"), "--version", version, "--dir", dir);
        }
    }

    private static async Task<Uri> StartAsync(string version, string dir, string flag)
    {
        int port = FreePortWithGrpcNeighbour();
        string output = await RunAsync(Path.Combine(RieRun.SharedDirectory, "loki", "start-loki"),
            "--version", version, "--port", port.ToString(), "--dir", dir, "--", flag);
        string line = output.Split('\n').Last(l => l.StartsWith("LOKI_URL=", StringComparison.Ordinal));
        return new Uri(line["LOKI_URL=".Length..].Trim());
    }

    /// <summary>start-loki puts gRPC 6000 above the HTTP port: both must be free.</summary>
    private static int FreePortWithGrpcNeighbour()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20_000, 59_000);
            try
            {
                foreach (int p in new[] { port, port + 6000 })
                {
                    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probe.Bind(new IPEndPoint(IPAddress.Loopback, p));
                }
                return port;
            }
            catch (SocketException) when (attempt < 50)
            {
            }
        }
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{program} exited {process.ExitCode}: {stdout}{await stderr}");
    }
}
