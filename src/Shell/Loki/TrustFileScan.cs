using System.Formats.Asn1;
using System.Text;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>A trust file read as .NET reads it for roots (PEM <c>CERTIFICATE</c> blocks; <c>TRUSTED CERTIFICATE</c>
/// blocks, which carry OpenSSL's usage data, are skipped as .NET skips them), without decoding every certificate:
/// each block's DER is walked just far enough to compare its issuer and subject.</summary>
internal static class TrustFileScan
{
    private static readonly byte[] Begin = "-----BEGIN "u8.ToArray();
    private static readonly byte[] Dashes = "-----"u8.ToArray();

    /// <summary>The DER of every self-signed certificate (subject equal to issuer, byte for byte) in
    /// <paramref name="file"/> whose subject is <paramref name="subject"/>. A file that is not PEM, or a block that
    /// does not decode, yields nothing.</summary>
    public static IEnumerable<byte[]> SelfSignedNamed(string file, byte[] subject)
    {
        if (Read(file) is not { } text)
        {
            yield break;
        }
        foreach (byte[] der in CertificateBlocks(text))
        {
            if (NamesOf(der) is var (issuer, named) && named.SequenceEqual(subject) && issuer.SequenceEqual(subject))
            {
                yield return der;
            }
        }
    }

    /// <summary>The DER of every certificate in <paramref name="file"/>; nothing when it cannot be read.</summary>
    public static IEnumerable<byte[]> Certificates(string file) => Read(file) is { } text ? CertificateBlocks(text) : [];

    /// <summary>The decoded body of each <c>-----BEGIN CERTIFICATE-----</c> (or <c>X509 CERTIFICATE</c>) block.</summary>
    internal static IEnumerable<byte[]> CertificateBlocks(byte[] text)
    {
        int at = 0;
        while (true)
        {
            int begin = text.AsSpan(at).IndexOf(Begin);
            if (begin < 0)
            {
                yield break;
            }
            begin += at + Begin.Length;
            int labelEnd = text.AsSpan(begin).IndexOf(Dashes);
            if (labelEnd < 0)
            {
                yield break;
            }
            string label = Encoding.ASCII.GetString(text, begin, labelEnd);
            int body = begin + labelEnd + Dashes.Length;
            byte[] end = Encoding.ASCII.GetBytes($"-----END {label}-----");
            int bodyEnd = text.AsSpan(body).IndexOf(end);
            if (bodyEnd < 0)
            {
                yield break;
            }
            at = body + bodyEnd + end.Length;
            if (label is "CERTIFICATE" or "X509 CERTIFICATE" && Decoded(text.AsSpan(body, bodyEnd)) is { } der)
            {
                yield return der;
            }
        }
    }

    /// <summary>The encoded issuer and subject names of a DER certificate; null when it is not one.</summary>
    internal static (byte[] Issuer, byte[] Subject)? NamesOf(byte[] der)
    {
        try
        {
            var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue(); // version
            }
            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature algorithm
            byte[] issuer = tbs.ReadEncodedValue().ToArray();
            tbs.ReadEncodedValue(); // validity
            byte[] subject = tbs.ReadEncodedValue().ToArray();
            return (issuer, subject);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>A file's bytes; null when it cannot be read (as .NET: such a file adds nothing).</summary>
    private static byte[]? Read(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? Decoded(ReadOnlySpan<byte> base64)
    {
        Span<char> chars = base64.Length <= 16 * 1024 ? stackalloc char[base64.Length] : new char[base64.Length];
        int length = 0;
        foreach (byte b in base64)
        {
            if (b is not ((byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t'))
            {
                chars[length++] = (char)b;
            }
        }
        byte[] der = new byte[length * 3 / 4 + 3];
        return Convert.TryFromBase64Chars(chars[..length], der, out int written) ? der[..written] : null;
    }
}
