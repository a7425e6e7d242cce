using System.Net;
using System.Net.Sockets;
using System.Text;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>The push client's own HTTP/1.1 against a loopback server that answers as scripted: what a push sends, the
/// connection kept between pushes and replaced when the server closed it, Loki's answers read into outcomes (a wait asked
/// for, a redirect not followed, a long refusal cut), and failures said as sent or not.</summary>
public sealed class LokiClientTests
{
    private static readonly HttpHeader[] TenantAndToken = [new("Authorization", "Bearer t0ken"), new("X-Scope-OrgID", "team-a")];

    [Fact]
    public async Task APush_GoesAsOneRequestWithItsHeaders_AndTheConnectionIsKeptForTheNext()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), TenantAndToken);

        var (first, firstStatus) = await client.PushAsync("abc"u8.ToArray(), CancellationToken.None);
        var (second, _) = await client.PushAsync("defg"u8.ToArray(), CancellationToken.None);

        Assert.True(first.IsStored && second.IsStored, $"{first} {second}");
        Assert.Equal(204, firstStatus);
        Assert.Equal(1, server.Connections);
        Assert.Equal($"POST /loki/api/v1/push?x=1 HTTP/1.1\r\nHost: {server.Address}\r\nContent-Type: application/x-protobuf\r\n" +
                     "Content-Length: 3\r\nAuthorization: Bearer t0ken\r\nX-Scope-OrgID: team-a\r\n\r\nabc", server.Requests[0]);
        Assert.EndsWith("Content-Length: 4\r\nAuthorization: Bearer t0ken\r\nX-Scope-OrgID: team-a\r\n\r\ndefg", server.Requests[1]);
    }

    [Fact]
    public async Task AKeptConnectionLokiClosed_ThePushGoesAgainOnANewOne()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 204 No Content\r\n\r\n", ScriptedServer.Close], ["HTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), []);

        var (first, _) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);
        await Task.Delay(50); // the server's close arrives
        var (second, _) = await client.PushAsync("b"u8.ToArray(), CancellationToken.None);

        Assert.True(first.IsStored && second.IsStored, $"{first} {second}");
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task AKeptConnectionLokiClosesAsThePushArrives_ThePushGoesAgainOnANewOne()
    {
        // The server reads the second push and closes without a word: nothing was answered, so it goes again.
        await using var server = ScriptedServer.Start(["HTTP/1.1 204 No Content\r\n\r\n", ScriptedServer.Drop], ["HTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), []);

        await client.PushAsync("a"u8.ToArray(), CancellationToken.None);
        var (second, status) = await client.PushAsync("b"u8.ToArray(), CancellationToken.None);

        Assert.True(second.IsStored, second.ToString());
        Assert.Equal((204, 2, 3), (status, server.Connections, server.Requests.Count));
    }

    [Fact]
    public async Task AnInterimAnswer_IsPassedOver_ForTheOneThatFollows()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), []);

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.True(outcome.IsStored, outcome.ToString());
        Assert.Equal(204, status);
    }

    [Fact]
    public async Task InterimAnswersWithoutEnd_AreNoAnswer()
    {
        await using var server = ScriptedServer.Start([string.Concat(Enumerable.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 20))]);
        using var client = new LokiClient(PushUri(server), []);

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.Null(status);
        Assert.Contains("more than 8 interim answers", Assert.IsType<PushOutcome.Retryable>(outcome).Reason);
    }

    [Theory]
    [InlineData("Retry-After: 7", 7000L)]
    [InlineData("retry-after:  12 ", 12000L)]
    [InlineData("Retry-After: soon", null)]
    public async Task ATooManyRequests_CarriesTheWaitLokiAskedFor(string retryAfter, long? waitMs)
    {
        await using var server = ScriptedServer.Start([$"HTTP/1.1 429 Too Many Requests\r\n{retryAfter}\r\nContent-Length: 12\r\n\r\nslow down pl"]);
        using var client = new LokiClient(PushUri(server), []);

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.Equal((429, waitMs), (status, outcome.WaitAskedMs));
        Assert.Contains("slow down pl", outcome.Answer());
    }

    [Fact]
    public async Task ARetryAfterDate_IsTheWaitUntilThen()
    {
        string date = DateTimeOffset.UtcNow.AddSeconds(30).ToString("r");
        await using var server = ScriptedServer.Start([$"HTTP/1.1 503 Service Unavailable\r\nRetry-After: {date}\r\nContent-Length: 0\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), []);

        var (outcome, _) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.InRange(outcome.WaitAskedMs ?? -1, 25_000, 31_000);
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_AndItsLocationIsToldWithoutItsSecrets()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 308 Permanent Redirect\r\nLocation: https://user:pw@elsewhere.example/push?sig=s3cret\r\nContent-Length: 0\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), TenantAndToken);

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.Equal(308, status);
        Assert.False(outcome.IsStored);
        Assert.Contains("elsewhere.example", outcome.Answer());
        Assert.DoesNotContain("s3cret", outcome.ToString());
        Assert.DoesNotContain("pw@", outcome.ToString());
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ALongRefusal_KeepsItsHeadAndTheLineThatCountsWhatWasRefused()
    {
        string lines = string.Concat(Enumerable.Range(0, 2_000).Select(i => $"entry {i} refused: too old\n")) + "total ignored: 2000 out of 2000";
        await using var server = ScriptedServer.Start([$"HTTP/1.1 400 Bad Request\r\nContent-Length: {lines.Length}\r\n\r\n{lines}"]);
        using var client = new LokiClient(PushUri(server), []);

        var (refused, _) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.Contains("entry 0 refused: too old", refused.Answer());
        Assert.EndsWith("\ntotal ignored: 2000 out of 2000", refused.Answer());
        Assert.InRange(refused.Answer().Length, 1024, 2048);
    }

    [Fact]
    public async Task ARefusalLongerThanTheLimit_IsCut_AndItsConnectionIsNotKept()
    {
        string lines = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"entry {i} refused: too old\n"));
        await using var server = ScriptedServer.Start([$"HTTP/1.1 400 Bad Request\r\nContent-Length: {lines.Length}\r\n\r\n{lines}"], ["HTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), []);

        var (refused, _) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);
        var (stored, _) = await client.PushAsync("b"u8.ToArray(), CancellationToken.None);

        Assert.Contains("entry 0 refused: too old", refused.Answer());
        Assert.True(refused.Answer().Length < 4096, refused.Answer().Length.ToString());
        Assert.True(stored.IsStored, stored.ToString());
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task ARefusedConnection_SentNothing()
    {
        int closedPort;
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            closedPort = ((IPEndPoint)socket.LocalEndpoint).Port;
        }
        using var client = new LokiClient(new Uri($"http://127.0.0.1:{closedPort}/loki/api/v1/push"), []);

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.Null(status);
        Assert.False(Assert.IsType<PushOutcome.Retryable>(outcome).MayHaveBeenStored);
        Assert.Contains("ConnectionError", outcome.Answer());
    }

    [Fact]
    public async Task ALokiThatNeverAnswers_IsGivenUpAtTheDeadline_AsMaybeStored()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // connections wait in its backlog, never read
        using var client = new LokiClient(new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/loki/api/v1/push"), []);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var (outcome, status) = await client.PushAsync("a"u8.ToArray(), deadline.Token);

        Assert.Null(status);
        var unanswered = Assert.IsType<PushOutcome.Retryable>(outcome);
        Assert.Equal(("no answer in time", true), (unanswered.Reason, unanswered.MayHaveBeenStored));
    }

    [Fact]
    public async Task AHostAmongTheHeaders_NamesTheVirtualHost()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 204 No Content\r\n\r\n"]);
        using var client = new LokiClient(PushUri(server), [new("Host", "logs.internal.example")]);

        await client.PushAsync("a"u8.ToArray(), CancellationToken.None);

        Assert.StartsWith("POST /loki/api/v1/push?x=1 HTTP/1.1\r\nHost: logs.internal.example\r\nContent-Type", server.Requests[0]);
        Assert.Equal(2, server.Requests[0].Split("Host:").Length);
    }

    private static Uri PushUri(ScriptedServer server) => new($"http://{server.Address}/loki/api/v1/push?x=1");
}
