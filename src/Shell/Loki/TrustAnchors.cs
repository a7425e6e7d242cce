using System.Formats.Asn1;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>Servers' certificates checked against the machine's trust store without decoding all of it. .NET's own check
/// decodes every certificate of the trust file and directory the first time a process builds a chain, whatever the
/// chain's trust mode (<c>OpenSslCachedSystemStoreProvider</c>, loaded by every <c>X509Chain.Build</c>): ~145 certificates,
/// twice, on Debian and Amazon Linux 2023, ~60 ms of CPU, most of a second at 128 MB, on the first push of every sandbox.
/// So the process hands .NET an empty store (<see cref="TrustSources.TakeOver"/>) and each handshake is checked here:
/// the trust file (then, if need be, every trust file) is scanned as bytes for self-signed certificates whose subject
/// is the issuer the server's chain ends at, and .NET's <see cref="X509Chain"/> checks the chain against those alone. When none is found, or the chain does not
/// verify against them, it is checked against every root and intermediate of the files, as .NET would (roots are the
/// certificates whose subject is their issuer). The files are .NET's (see <see cref="TrustSources"/>); the policy is
/// SslStream's (TLS server authentication, no revocation check, missing intermediates fetched); the host name is
/// SslStream's own check. Not consulted: .NET's per-user stores under <c>~/.dotnet</c>, which Lambda does not have.</summary>
internal sealed class TrustAnchors(Func<IEnumerable<string>> trustFiles)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Roots found by the issuer's encoded name: one scan per issuer a process meets (Loki's, usually one).</summary>
    private readonly Dictionary<string, X509Certificate2[]> _rootsByIssuer = [];
    private (X509Certificate2[] Roots, X509Certificate2[] Intermediates)? _everything;

    /// <summary>The machine's, as <see cref="TrustSources"/> found it before handing .NET an empty store.</summary>
    public static TrustAnchors Machine { get; } = new(TrustSources.Files);

    /// <summary>What a TLS client of <paramref name="host"/> checks with: a first chain against no root (what the server
    /// sent), then <see cref="Refusal"/>; <see cref="TlsCheck.Refused"/> says why, after a refusal.</summary>
    public TlsCheck For(string host)
    {
        var check = new TlsCheck();
        check.Options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateChainPolicy = FirstChain(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                (check.Refused = Refusal(host, certificate as X509Certificate2, chain, errors)) is null,
        };
        return check;
    }

    /// <summary>The same check for HttpClient's connections (the S3 archive, AWS, a proxy), whatever their host.</summary>
    public SslClientAuthenticationOptions ForHttpClient() => new()
    {
        CertificateChainPolicy = FirstChain(),
        RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            Refusal((sender as HttpRequestMessage)?.RequestUri?.IdnHost ?? "the server", certificate as X509Certificate2, chain, errors) is null,
    };

    /// <summary>One handshake's options, and why it refused the server's certificate, if it did.</summary>
    internal sealed class TlsCheck
    {
        public SslClientAuthenticationOptions Options { get; set; } = new();

        public string? Refused { get; set; }
    }

    /// <summary>Why the server's <paramref name="certificate"/> is not trusted, or null when it is: its name matched
    /// (SslStream's check) and its chain ends at a root of the machine's trust files.</summary>
    internal string? Refusal(string host, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || chain is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the server sent no certificate";
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return $"the server's certificate is not for {host}";
        }
        X509Certificate2[] sent = [.. chain.ChainElements.Select(e => e.Certificate), .. chain.ChainPolicy.ExtraStore];
        try
        {
            // The trust file first (the bundle: on Lambda, all there is), then the other files (a chain ends at one
            // root, so the trust file's need not be read again). A chain SslStream did not build (no element) is
            // checked against everything below, like any the scan does not settle.
            byte[]? issuer = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate.IssuerName.RawData : null;
            foreach (bool inTrustFile in (bool[])[true, false])
            {
                if (issuer is not null && RootsNamed(issuer, inTrustFile) is { Length: > 0 } roots && Verify(certificate, sent, roots) is null)
                {
                    return null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or AsnContentException)
        {
            // Checked against everything below.
        }
        var (allRoots, intermediates) = Everything();
        return Verify(certificate, [.. sent, .. intermediates], allRoots) is { } status
            ? $"the server's certificate chain is not trusted ({status})"
            : null;
    }

    /// <summary>SslStream's own chain, which only gathers what the server sent: it trusts nothing.</summary>
    private static X509ChainPolicy FirstChain() =>
        new() { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };

    /// <summary>The chain built by .NET against <paramref name="roots"/>: null when it verifies, else its status.</summary>
    private static string? Verify(X509Certificate2 certificate, X509Certificate2[] others, X509Certificate2[] roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        chain.ChainPolicy.ExtraStore.AddRange(others);
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(certificate) ? null
            : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct());
    }

    /// <summary>The self-signed certificates named <paramref name="subject"/> in the first trust file, or in the others.</summary>
    private X509Certificate2[] RootsNamed(byte[] subject, bool inTrustFile)
    {
        string key = $"{inTrustFile}:{Convert.ToHexString(subject)}";
        lock (_rootsByIssuer)
        {
            if (!_rootsByIssuer.TryGetValue(key, out X509Certificate2[]? roots))
            {
                IEnumerable<string> files = inTrustFile ? trustFiles().Take(1) : trustFiles().Skip(1);
                roots = [.. files.SelectMany(file => TrustFileScan.SelfSignedNamed(file, subject)).Select(X509CertificateLoader.LoadCertificate)];
                _rootsByIssuer[key] = roots;
            }
            return roots;
        }
    }

    /// <summary>Every certificate of the trust files, decoded as .NET decodes them (once a process, when needed): roots
    /// are those whose subject is their issuer.</summary>
    private (X509Certificate2[] Roots, X509Certificate2[] Intermediates) Everything()
    {
        lock (_rootsByIssuer)
        {
            if (_everything is null)
            {
                var certificates = new List<X509Certificate2>();
                foreach (string file in trustFiles())
                {
                    foreach (byte[] der in TrustFileScan.Certificates(file))
                    {
                        try
                        {
                            certificates.Add(X509CertificateLoader.LoadCertificate(der));
                        }
                        catch (CryptographicException)
                        {
                            // As .NET: a certificate that does not decode adds nothing.
                        }
                    }
                }
                _everything = ([.. certificates.Where(c => c.Subject == c.Issuer)], [.. certificates.Where(c => c.Subject != c.Issuer)]);
            }
            return _everything.Value;
        }
    }
}
