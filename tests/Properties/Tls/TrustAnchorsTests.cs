using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Properties.Tls;

/// <summary>The extension's certificate check (TrustAnchors over TrustFileScan): a chain is trusted when it ends at a
/// self-signed certificate of the trust files, found without decoding every certificate; nothing else is.</summary>
public sealed class TrustAnchorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trust-anchors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AChainEndingAtARootOfTheTrustFile_IsTrusted()
    {
        using var root = Ca("CN=test root");
        using var intermediate = Ca("CN=test intermediate", root);
        using var leaf = Leaf("loki.example", intermediate);
        string bundle = Write("bundle.pem", Pem(Ca("CN=another root")), Pem(root));

        Assert.Null(Anchors(bundle).Refusal("loki.example", leaf, SentChain(leaf, intermediate), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ARootOnlyInALaterFile_IsFoundThere()
    {
        using var root = Ca("CN=test root");
        using var leaf = Leaf("loki.example", root);
        string first = Write("bundle.pem", Pem(Ca("CN=another root")));
        string later = Write("later.pem", Pem(root));

        Assert.Null(Anchors(first, later).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void AChainEndingElsewhere_IsRefused_SayingWhy()
    {
        using var root = Ca("CN=test root");
        using var leaf = Leaf("loki.example", root);
        string bundle = Write("bundle.pem", Pem(Ca("CN=another root")));

        // The root was neither sent nor found: the chain stops short of one.
        Assert.Equal("the server's certificate chain is not trusted (PartialChain)",
            Anchors(bundle).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void TheRootCrossSignedByAnUntrustedCa_IsNoAnchor()
    {
        // The root's name and key, issued by a CA that is not trusted: for .NET an intermediate, not a root.
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest rootRequest = CaRequest("CN=test root", rootKey);
        using X509Certificate2 root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(10));
        using var untrusted = Ca("CN=untrusted");
        using X509Certificate2 crossSigned = rootRequest.Create(untrusted, DateTimeOffset.UtcNow.AddDays(-9), DateTimeOffset.UtcNow.AddDays(9), [7]);
        using var leaf = Leaf("loki.example", root);
        string bundle = Write("bundle.pem", Pem(crossSigned));

        Assert.NotNull(Anchors(bundle).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ARootInATrustedCertificateBlock_IsSkipped_AsDotNetSkipsIt()
    {
        using var root = Ca("CN=test root");
        using var leaf = Leaf("loki.example", root);
        string bundle = Write("bundle.pem", Pem(root).Replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----"));

        Assert.NotNull(Anchors(bundle).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void AnExpiredRoot_IsRefused()
    {
        using var root = Ca("CN=test root", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        using var leaf = Leaf("loki.example", root, notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        string bundle = Write("bundle.pem", Pem(root));

        Assert.Contains("NotTimeValid", Anchors(bundle).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ANameMismatch_OrNoCertificate_IsRefused_WhateverTheChain()
    {
        using var root = Ca("CN=test root");
        using var leaf = Leaf("loki.example", root);
        TrustAnchors anchors = Anchors(Write("bundle.pem", Pem(root)));

        Assert.Equal("the server's certificate is not for loki.other",
            anchors.Refusal("loki.other", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Equal("the server sent no certificate", anchors.Refusal("loki.example", null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void FilesThatAreNotPem_OrBlocksThatDoNotDecode_AddNothing_AndBreakNothing()
    {
        using var root = Ca("CN=test root");
        using var leaf = Leaf("loki.example", root);
        string noise = Write("noise.pem", "-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n" +
                                          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nno end");
        string binary = Path.Combine(_directory, "binary.der");
        File.WriteAllBytes(binary, root.RawData);
        string bundle = Write("bundle.pem", Pem(root));

        Assert.All(TrustFileScan.Certificates(noise), der => Assert.Null(TrustFileScan.NamesOf(der))); // "AAAA" is three zero bytes
        Assert.Empty(TrustFileScan.Certificates(binary));
        Assert.Empty(TrustFileScan.Certificates(Path.Combine(_directory, "missing.pem")));
        Assert.Null(Anchors(noise, binary, bundle).Refusal("loki.example", leaf, SentChain(leaf), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    private static TrustAnchors Anchors(params string[] files) => new(() => files);

    /// <summary>The chain SslStream hands the callback: built against no root, from what the server sent.</summary>
    private static X509Chain SentChain(X509Certificate2 leaf, params X509Certificate2[] intermediates)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.Build(leaf);
        return chain;
    }

    private string Write(string name, params string[] pems)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, string.Join("\n", pems), Encoding.ASCII);
        return path;
    }

    private static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    private static CertificateRequest CaRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request;
    }

    private static X509Certificate2 Ca(string name, X509Certificate2? issuer = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = CaRequest(name, key);
        DateTimeOffset from = DateTimeOffset.UtcNow.AddDays(-10), to = notAfter ?? DateTimeOffset.UtcNow.AddDays(10);
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, to);
        }
        using X509Certificate2 signed = request.Create(issuer, from, to, RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Leaf(string host, X509Certificate2 issuer, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(5), RandomNumberGenerator.GetBytes(8));
    }
}
