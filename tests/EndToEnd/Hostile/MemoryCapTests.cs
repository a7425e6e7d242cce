using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary><c>LOKI_MAX_BUFFER_MB</c> bounds the memory the buffer really holds, not only the bytes it counts: a line is
/// a slice of its body's arena chunk, and one error line kept from a body of shed debug lines used to hold the whole
/// chunk.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class MemoryCapTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task LokiDownSpoolOff_BodiesOfOneErrorAndSixtyDebugLines_PeakMemoryStaysNearTheCap()
    {
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Status(503, "down"));
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_MAX_BUFFER_MB", "1"), ("LOKI_SPOOL_MAX_MB", "0"))
            with { FreezeBetweenInvocations = false });
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, sandbox.Subscription!.Destination.Port);
        NetworkStream stream = client.GetStream();
        string padding = new('d', 1000);
        byte[] answer = new byte[256];

        for (int body = 0; body < 1500; body++)
        {
            string now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var records = new StringBuilder("[");
            records.Append($$"""{"time":"{{now}}","type":"function","record":"{{now}}\tcafe0000-0000-4000-8000-000000000000\tERROR\tbody {{body}} failed"}""");
            for (int line = 0; line < 60; line++)
            {
                records.Append($$""",{"time":"{{now}}","type":"function","record":"{{now}}\tcafe0000-0000-4000-8000-000000000000\tDEBUG\tbody {{body}} line {{line}} {{padding}}"}""");
            }
            byte[] json = Encoding.UTF8.GetBytes(records.Append(']').ToString());
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: sandbox.localdomain\r\nContent-Length: {json.Length}\r\n\r\n"));
            await stream.WriteAsync(json);
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(answer, 0, await stream.ReadAsync(answer)));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.True(ExtensionSummary.Number(sandbox.Output, "dropped") > 60_000, string.Join("\n", sandbox.Output.TakeLast(5)));
        if (ExtensionBinary.Launcher() is null)
        {
            // Before survivors were copied out of their chunks: 142 MB.
            Assert.InRange(shutdown.PeakRssKb / 1024.0, 0, 32);
        }
    }
}
