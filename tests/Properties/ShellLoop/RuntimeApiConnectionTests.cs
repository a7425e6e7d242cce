using System.Text;
using LokiLambdaExtension.Shell.LambdaApi;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>The Extensions API client's own HTTP/1.1, against a loopback server that answers as scripted: every framing
/// Go's net/http uses (Content-Length, chunked, to the connection's end), answers that arrive in pieces, a kept
/// connection the server has closed (sent again on a new one), and answers that are not HTTP or too large.</summary>
public sealed class RuntimeApiConnectionTests
{
    [Fact]
    public async Task AnAnswerByContentLength_InPieces_ReadsWhole_AndTheConnectionIsKept()
    {
        await using var server = ScriptedServer.Start(
            ["HTTP/1.1 200 OK\r\nLambda-Extension-Identifier: id-1\r\nContent-Len", "gth: 11\r\n\r\nhello", " world",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
        using var connection = new RuntimeApiConnection(server.Address);

        RuntimeApiAnswer first = await connection.SendAsync("POST", "/register", null, "{}"u8.ToArray());
        RuntimeApiAnswer second = await connection.SendAsync("GET", "/event/next", "id-1", ReadOnlyMemory<byte>.Empty);

        Assert.Equal((200, "id-1", "hello world"), (first.Status, first.Identifier, Encoding.UTF8.GetString(first.Body)));
        Assert.Equal("ok", Encoding.UTF8.GetString(second.Body));
        Assert.Equal(1, server.Connections);
        Assert.StartsWith("GET /event/next HTTP/1.1\r\n", server.Requests[1]);
        Assert.Contains("Lambda-Extension-Identifier: id-1\r\n", server.Requests[1]);
    }

    [Fact]
    public async Task AChunkedAnswer_ReadsWhole()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "6;x=y\r\n world\r\n0\r\n\r\n"]);
        using var connection = new RuntimeApiConnection(server.Address);

        RuntimeApiAnswer answer = await connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty);

        Assert.Equal("hello world", Encoding.UTF8.GetString(answer.Body));
    }

    [Fact]
    public async Task AKeptConnectionTheServerClosed_TheRequestGoesAgainOnANewOne()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", ScriptedServer.Close], ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"]);
        using var connection = new RuntimeApiConnection(server.Address);

        RuntimeApiAnswer first = await connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty);
        RuntimeApiAnswer second = await connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty);

        Assert.Equal(("a", "b"), (Encoding.UTF8.GetString(first.Body), Encoding.UTF8.GetString(second.Body)));
        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked", true, false)]
    [InlineData("Transfer-Encoding: CHUNKED", true, false)]
    [InlineData("Transfer-Encoding: gzip, Chunked", true, false)]
    [InlineData("Transfer-Encoding: notchunked", false, true)]
    [InlineData("Connection: Keep-Alive, Close\r\nContent-Length: 0", false, true)]
    [InlineData("Connection: keep-alive\r\nContent-Length: 0", false, false)]
    public void AnAnswersFraming_IsReadFromItsHeadersLists_WhateverTheirCase(string headers, bool chunked, bool close)
    {
        var head = LokiLambdaExtension.Shell.Http.AnswerHead.Parse(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\n{headers}\r\n\r\n"));

        Assert.Equal(chunked, head.Chunked);
        Assert.Equal(close, head.Close);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" + ScriptedServer.Close)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7FFFFFFFFFFFFFFF\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n")]
    public async Task AnAnswerThatIsNotTheApis_IsAClearFailure(string answer)
    {
        await using var server = ScriptedServer.Start([answer]);
        using var connection = new RuntimeApiConnection(server.Address);

        Exception failure = await Assert.ThrowsAnyAsync<Exception>(() => connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty));

        Assert.True(failure is InvalidOperationException or IOException, failure.ToString());
        Assert.NotEmpty(failure.Message);
    }

    [Fact]
    public async Task AfterAnAnswerThatIsNotTheApis_TheNextRequestGoesOnANewConnection()
    {
        await using var server = ScriptedServer.Start(["HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"], ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
        using var connection = new RuntimeApiConnection(server.Address);

        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty));
        RuntimeApiAnswer answer = await connection.SendAsync("GET", "/event/next", "id", ReadOnlyMemory<byte>.Empty);

        Assert.Equal(("ok", 2), (Encoding.UTF8.GetString(answer.Body), server.Connections));
    }
}
