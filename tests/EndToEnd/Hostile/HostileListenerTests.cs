using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary>Neighbours of the telemetry port that misbehave in ways that used to cost the platform's deliveries for the
/// rest of the environment: bodies cut by a reset, chunk sizes that overflow, more connections than descriptors.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class HostileListenerTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task ResetBodiesAndOverflowingChunkSizes_GiveTheirBudgetBack_AndEveryLaterLineArrives()
    {
        await using var loki = LokiReceiver.Start();
        // Not frozen between invocations, so that the hostile clients are served while the test waits for them.
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl) with { FreezeBetweenInvocations = false });
        int port = sandbox.Subscription!.Destination.Port;
        await sandbox.InvokeAsync(Lines(0, 20));

        // Eight bodies that claim 4 MB, send 100 bytes and reset: each took a 1 MiB buffer, together the whole budget.
        for (int i = 0; i < 8; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, port);
            await client.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n" + new string('[', 100)));
            await Task.Delay(50);
            client.Close(0); // a zero linger: a reset, not a close
        }
        // Sixty-four chunked bodies whose second chunk size is long.MaxValue: a sum that wrapped past the limit.
        for (int i = 0; i < 64; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[{}, \r\n7FFFFFFFFFFFFFFF\r\n"u8.ToArray());
            await stream.WriteAsync(new byte[1000]);
            using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await stream.ReadAtLeastAsync(new byte[256], 1, throwOnEndOfStream: false, answered.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
            }
        }

        for (int i = 1; i <= 4; i++)
        {
            await sandbox.InvokeAsync(Lines(i, 20));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        for (int i = 0; i <= 4; i++)
        {
            for (int n = 1; n <= 20; n++)
            {
                Assert.Single(loki.Entries, e => e.Line.EndsWith($"after hostile bodies, invocation {i} line {n}", StringComparison.Ordinal));
            }
        }
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "dropped"));
        Assert.Equal(0, shutdown.ExitCode);
        AssertBackWithinItsFigure(shutdown);
        Assert.Empty(sandbox.ProtocolErrors);
    }

    [Fact]
    public async Task MoreConnectionsThanDescriptors_TheListenerKeepsAccepting_AndEveryLineArrives()
    {
        await using var loki = LokiReceiver.Start();
        // 64 descriptors for the whole process, as a tight container or a leaking neighbour may leave it.
        SandboxOptions options = extension.Options(loki.BaseUrl) with { FreezeBetweenInvocations = false };
        options = options with
        {
            Launcher = "prlimit",
            LauncherArguments = ["--nofile=64:64", .. options.Launcher is { } launcher ? [launcher, .. options.LauncherArguments] : Array.Empty<string>()],
        };
        await using var sandbox = await LambdaSandbox.StartAsync(options);
        int port = sandbox.Subscription!.Destination.Port;
        var idle = new List<TcpClient>();
        for (int i = 0; i < 100; i++)
        {
            var connection = new TcpClient();
            await connection.ConnectAsync(IPAddress.Loopback, port); // the kernel's backlog takes them all
            idle.Add(connection);
        }
        await Task.Delay(500);

        for (int i = 1; i <= 5; i++)
        {
            await sandbox.InvokeAsync(Lines(i, 20));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();
        idle.ForEach(c => c.Dispose());

        for (int i = 1; i <= 5; i++)
        {
            for (int n = 1; n <= 20; n++)
            {
                Assert.Single(loki.Entries, e => e.Line.EndsWith($"after hostile bodies, invocation {i} line {n}", StringComparison.Ordinal));
            }
        }
        Assert.Equal(0, shutdown.ExitCode);
        Assert.False(shutdown.Killed);
    }

    private static Invocation Lines(int invocation, int count) => new($"{invocation:D8}-baad-4000-8000-000000000000",
        [.. Enumerable.Range(1, count).Select(n => new TelemetryLine.Text($"after hostile bodies, invocation {invocation} line {n}"))]);

    /// <summary>The budget test: after hostile input, a normal invocation's lines arrived, and the process's peak stays
    /// within the figure of the misbehaving-clients test (the 50,000-line budget, 24 MB, and bodies being read, 8).</summary>
    internal static void AssertBackWithinItsFigure(ShutdownResult shutdown)
    {
        if (ExtensionBinary.Launcher() is null)
        {
            Assert.InRange(shutdown.PeakRssKb / 1024.0, 0, 32);
        }
    }
}
