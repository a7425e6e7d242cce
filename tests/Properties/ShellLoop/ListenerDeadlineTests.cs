using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LokiLambdaExtension.Shell;
using LokiLambdaExtension.Shell.Listener;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>The listener's deadlines, kept by the loop's main thread (no runtime timer): a body that stops arriving is
/// cut at its request's deadline and answered 408, and a kept-alive connection that sends nothing is closed quietly after
/// its idle time; neither is cut early.</summary>
public sealed class ListenerDeadlineTests
{
    private static readonly ListenerLimits Limits = new(MaxBodyBytes: 4096, MaxBodyBytesInFlight: 256 * 1024,
        RequestDeadline: TimeSpan.FromMilliseconds(300), IdleTimeout: TimeSpan.FromMilliseconds(300), MaxHeadBytes: 1024);

    [Fact]
    public async Task ABodyThatStopsArriving_IsCutAtItsRequestsDeadline()
    {
        await using var world = await World.StartAsync();
        await world.Client.SendAsync("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nthe first bytes"u8.ToArray());
        RequestHead? head = await world.Reader.ReadHeadAsync(CancellationToken.None);
        Assert.NotNull(head);

        var watch = Stopwatch.StartNew();
        var (body, _) = await world.Reader.ReadBodyAsync(head.Value, new BodyBuffers(Limits.MaxBodyBytesInFlight), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(body);
        Assert.Equal(408, world.Reader.Problem?.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(200), $"cut after {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task AConnectionThatSendsNothing_IsClosedQuietlyAfterItsIdleTime()
    {
        await using var world = await World.StartAsync();

        var watch = Stopwatch.StartNew();
        RequestHead? head = await world.Reader.ReadHeadAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(head);
        Assert.Null(world.Reader.Problem);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(200), $"closed after {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>A loop that runs (folding nothing) to keep the deadlines, and a reader on one end of a loopback connection.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly LoopInbox _inbox = new();
        private readonly Task<int> _loop;
        private readonly Socket _server;

        private World(Socket client, Socket server)
        {
            (Client, _server) = (client, server);
            Reader = new ConnectionReader(new NetworkStream(server, ownsSocket: false), Limits, _inbox);
            _loop = Task.Factory.StartNew(() => _inbox.Run(o => o is Initialized ? 0 : null), TaskCreationOptions.LongRunning);
        }

        public Socket Client { get; }

        public ConnectionReader Reader { get; }

        public static async Task<World> StartAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            return new World(client, await listener.AcceptSocketAsync());
        }

        public async ValueTask DisposeAsync()
        {
            _inbox.Post(new Initialized(0));
            Assert.Equal(0, await _loop.WaitAsync(TimeSpan.FromSeconds(10)));
            Reader.Dispose();
            Client.Dispose();
            _server.Dispose();
        }
    }
}
