using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>Clients of the telemetry port that are not the platform (a library probing local ports, a misconfigured
/// client) cannot hold the platform's deliveries, and a body the platform delivers again is shipped once.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class ListenerTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task MisbehavingClientsOnThePort_NeitherHoldInvocationsNorLoseOrRepeatALine()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl));
        int port = sandbox.Subscription!.Destination.Port;
        using var stop = new CancellationTokenSource();
        var clients = new List<Task>
        {
            // Claims 4 GiB, sends 10 MB, then stops sending without closing.
            Misbehave(port, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4294967296\r\n\r\n"u8.ToArray(), new byte[10 * 1024 * 1024], hold: true, stop.Token),
            // A body that trickles, a byte a second.
            Trickle(port, stop.Token),
            // Garbage, then a header flood.
            Misbehave(port, [.. Enumerable.Range(0, 2 * 1024 * 1024).Select(i => (byte)(i * 7919 % 251))], [], hold: true, stop.Token),
            Misbehave(port, Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: localhost\r\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"X-Flood-{i}: {i}\r\n")) + "\r\n"), [], hold: true, stop.Token),
        };
        // A hundred connections that never send a byte.
        var idle = Enumerable.Range(0, 100).Select(_ => new TcpClient()).ToList();
        foreach (TcpClient connection in idle)
        {
            await connection.ConnectAsync(System.Net.IPAddress.Loopback, port);
        }
        await Task.Delay(300); // the misbehaving requests are under way

        var results = new List<InvocationResult>();
        for (int i = 0; i < 5; i++)
        {
            results.Add(await sandbox.InvokeAsync(new Invocation($"0000000{i}-feed-4000-8000-000000000000",
                [.. Enumerable.Range(0, 20).Select(n => new TelemetryLine.Text($"while misbehaving, invocation {i} line {n}"))])));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();
        stop.Cancel();
        await Task.WhenAll(clients);
        idle.ForEach(c => c.Dispose());

        Assert.Equal(0, shutdown.ExitCode);
        Assert.False(shutdown.Killed);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        for (int i = 0; i < 5; i++)
        {
            for (int n = 0; n < 20; n++)
            {
                Assert.Single(loki.Entries, e => e.Line.EndsWith($"while misbehaving, invocation {i} line {n}", StringComparison.Ordinal));
            }
        }
        if (ExtensionBinary.Launcher() is null)
        {
            // The 50,000-line budget is 24 MB; bodies being read add at most 8. (Under a launcher such as qemu, the
            // peak is the launcher's, not the extension's.)
            Assert.InRange(shutdown.PeakRssKb / 1024.0, 0, 32);
        }
        Assert.Single(sandbox.Output, l => l.Contains("WARN telemetry listener refused", StringComparison.Ordinal));
        Assert.Empty(sandbox.ProtocolErrors);
    }

    [Fact]
    public async Task ABodyThePlatformDeliversAgainAfterLosingTheAnswer_IsShippedOnce()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl));
        sandbox.DropTelemetryAnswers(2);

        await sandbox.InvokeAsync(new Invocation("0000000a-feed-4000-8000-000000000000",
            [.. Enumerable.Range(0, 30).Select(n => new TelemetryLine.Text($"delivered again, line {n}"))]));
        await sandbox.ShutdownAsync();

        for (int n = 0; n < 30; n++)
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith($"delivered again, line {n}", StringComparison.Ordinal));
        }
        Assert.True(ExtensionSummary.Number(sandbox.Output, "redelivered") > 0, "no body was recognised as delivered again");
    }

    [Fact]
    public async Task AChunkedDelivery_OnAKeptAliveConnection_IsReadWhole()
    {
        await using var loki = LokiReceiver.Start();
        // Not frozen after init, so that this client is answered before the first invocation.
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with { FreezeBetweenInvocations = false });
        string now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        byte[] body = Encoding.UTF8.GetBytes($$"""[{"time":"{{now}}","type":"function","record":"sent in chunks\n"}]""");
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, sandbox.Subscription!.Destination.Port);
        NetworkStream stream = client.GetStream();
        var answers = new List<string>();
        for (int request = 0; request < 2; request++)
        {
            // Two requests on one connection, each with the body in two chunks (the second with an extension).
            var chunked = new MemoryStream();
            chunked.Write(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: sandbox.localdomain\r\nTransfer-Encoding: chunked\r\n\r\n"));
            chunked.Write(Encoding.ASCII.GetBytes($"{10:x}\r\n"));
            chunked.Write(body.AsSpan(0, 10));
            chunked.Write(Encoding.ASCII.GetBytes($"\r\n{body.Length - 10:x};ext=1\r\n"));
            chunked.Write(body.AsSpan(10));
            chunked.Write("\r\n0\r\n\r\n"u8);
            await stream.WriteAsync(chunked.ToArray());
            byte[] answer = new byte[256];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            answers.Add(Encoding.ASCII.GetString(answer, 0, await stream.ReadAsync(answer, wait.Token)));
        }
        await sandbox.InvokeAsync(new Invocation("0000000b-feed-4000-8000-000000000000", [new TelemetryLine.Text("after the chunks")]));
        await sandbox.ShutdownAsync();

        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 200 ", a));
        Assert.Equal(1, loki.Entries.Count(e => e.Line == "sent in chunks")); // the same body twice: a delivery again
        Assert.Single(loki.Entries, e => e.Line.EndsWith("after the chunks", StringComparison.Ordinal));
    }

    /// <summary>Sends <paramref name="head"/> and <paramref name="body"/>, then keeps the connection open, silent,
    /// until the test ends (or the listener closes it).</summary>
    private static async Task Misbehave(int port, byte[] head, byte[] body, bool hold, CancellationToken stop)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, stop);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(head, stop);
            await stream.WriteAsync(body, stop);
            if (hold)
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Refused and closed by the listener, or the test is over.
        }
    }

    private static async Task Trickle(int port, CancellationToken stop)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, stop);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n"u8.ToArray(), stop);
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync("["u8.ToArray(), stop);
                await Task.Delay(1000, stop);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }
}
