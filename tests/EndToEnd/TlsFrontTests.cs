using System.Net;
using System.Net.Security;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>The TLS front offers HTTP/2 as AWS's endpoints do, so that the HTTPS tests would see an extension that took
/// it (<see cref="TlsFront.Http2Clients"/>): here a client that asks for it is seen, and one that does not is not.</summary>
public sealed class TlsFrontTests
{
    [Fact]
    public async Task AClientThatAsksForHttp2_IsCounted_AndAnHttp11OneIsServed()
    {
        await using var loki = LokiReceiver.Start();
        await using var tls = TlsFront.Start(loki.BaseUrl);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler);

        using var asksForHttp11 = new HttpRequestMessage(HttpMethod.Get, new Uri(tls.BaseUrl, "/ready"));
        using var http11 = await client.SendAsync(asksForHttp11);
        int afterHttp11 = tls.Http2Clients;
        using var asksForHttp2 = new HttpRequestMessage(HttpMethod.Get, new Uri(tls.BaseUrl, "/ready"))
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(asksForHttp2));

        Assert.Equal(HttpVersion.Version11, http11.Version);
        Assert.Equal(0, afterHttp11);
        Assert.Equal(1, tls.Http2Clients);
    }
}
