using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>HTTPS in front of a plain-HTTP receiver, with a certificate from a throwaway CA: tests that the extension
/// verifies TLS, trusting the CA only when told to (<see cref="CaCertificateFile"/> as <c>SSL_CERT_FILE</c>).</summary>
public sealed class TlsFront : IAsyncDisposable
{
    private readonly LoopbackAcceptor _acceptor;
    private readonly X509Certificate2 _certificate;
    private readonly Uri _target;
    private int _http2Clients;

    private TlsFront(Uri target, string certificateFor)
    {
        _target = target;
        (_certificate, string caPem) = CreateCertificates(certificateFor);
        CaCertificateFile = Path.Combine(Path.GetTempPath(), $"loki-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaCertificateFile, caPem);
        _acceptor = new LoopbackAcceptor(RelayAsync);
        BaseUrl = new Uri($"https://localhost:{_acceptor.Port}");
    }

    public Uri BaseUrl { get; }

    /// <summary>A PEM file holding the CA that signed the front's certificate.</summary>
    public string CaCertificateFile { get; }

    /// <summary>Connections whose client chose HTTP/2 when offered it (and were hung up on).</summary>
    public int Http2Clients => Volatile.Read(ref _http2Clients);

    /// <summary>A TLS front for <paramref name="target"/>, its certificate for <paramref name="certificateFor"/> (and the
    /// loopback address when that is <c>localhost</c>): another name makes every client see a name mismatch.</summary>
    public static TlsFront Start(Uri target, string certificateFor = "localhost") => new(target, certificateFor);

    private async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    // As AWS's endpoints and most HTTPS fronts of Loki do: HTTP/2 for a client that offers it. The front
                    // relays HTTP/1.1 only, so a client that chose h2 is counted and hung up on (the extension never should:
                    // its HttpClient has no HTTP/2, src/Shell/Http.Substitutions.xml).
                    ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                });
                if (tls.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2)
                {
                    Interlocked.Increment(ref _http2Clients);
                    return;
                }
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(_target.Host, _target.Port);
                await using NetworkStream plain = upstream.GetStream();
                Task up = tls.CopyToAsync(plain).ContinueWith(_ => upstream.Client.Shutdown(SocketShutdown.Send), TaskScheduler.Default);
                Task down = plain.CopyToAsync(tls);
                await Task.WhenAny(Task.WhenAll(up, down), Task.Delay(Timeout.Infinite, stop));
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException
                                          or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A client that does not trust the certificate hangs up during the handshake: that is the point.
            }
        }
    }

    private static (X509Certificate2 Server, string CaPem) CreateCertificates(string certificateFor)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=loki-lambda-extension test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={certificateFor}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(certificateFor);
        if (certificateFor == "localhost")
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using X509Certificate2 signed = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        X509Certificate2 server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (server, ca.ExportCertificatePem());
    }

    public async ValueTask DisposeAsync()
    {
        await _acceptor.DisposeAsync();
        _certificate.Dispose();
        File.Delete(CaCertificateFile);
    }
}
