using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LokiLambdaExtension.EndToEnd.Rie;

namespace LokiLambdaExtension.EndToEnd.LokiVersions;

/// <summary>A real Loki a test starts for itself from <c>../shared/loki</c> (a Loki-wide setting: a blocked tenant,
/// multi-tenancy), and stops.</summary>
internal static class OwnLoki
{
    /// <summary>Starts a Loki of <paramref name="version"/> in <paramref name="dir"/>, with <paramref name="flags"/>.</summary>
    public static async Task<Uri> StartAsync(string version, string dir, params string[] flags)
    {
        int port = FreePortWithGrpcNeighbour();
        string output = await RunAsync(Path.Combine(RieRun.SharedDirectory, "loki", "start-loki"),
            ["--version", version, "--port", port.ToString(), "--dir", dir, "--", .. flags]);
        string line = output.Split('\n').Last(l => l.StartsWith("LOKI_URL=", StringComparison.Ordinal));
        return new Uri(line["LOKI_URL=".Length..].Trim());
    }

    public static Task StopAsync(string version, string dir) =>
        RunAsync(Path.Combine(RieRun.SharedDirectory, "loki", "stop-loki"), "--version", version, "--dir", dir);

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
