using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>AWS Signature Version 4 (AWS4-HMAC-SHA256) for a request signed with headers: a pure function of the
/// request, the credentials and the time, so the core can hold it and the tests can prove it against AWS's own signer
/// for JavaScript. AWSSDK.S3 was not taken: one PUT, one DELETE, one GET and one LIST are all the archive needs, and
/// the SDK (warning-free under Native AOT) adds 5.6 MB to a binary that PUTs an object, past the layer's 8 MB.
/// The rules (docs.aws.amazon.com, "Create a signed AWS API request") as AWS's signer applies them: header names
/// lower-cased, values trimmed with inner whitespace runs made one space, sorted; the query's names and values
/// escaped as RFC 3986 unreserved and sorted; the path escaped again and normalised, except for S3, whose path is
/// signed exactly as sent.</summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The SHA-256 of an empty payload, in hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Headers AWS's signer never signs (a proxy or the HTTP stack may change them on the way).</summary>
    private static readonly HashSet<string> Unsignable =
    [
        "authorization", "cache-control", "connection", "expect", "from", "keep-alive", "max-forwards", "pragma", "referer", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ];

    /// <summary>The <c>Authorization</c> header of a request. <paramref name="headers"/> are every header to sign,
    /// <c>host</c> and <c>x-amz-date</c> (<see cref="AmzDate"/> of <paramref name="time"/>) among them, with
    /// <c>x-amz-security-token</c> when the credentials have a session token; <paramref name="path"/> is the path as
    /// sent (already escaped); <paramref name="query"/> holds names and values unescaped.</summary>
    public static string Authorization(string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, AwsCredentials credentials, string region, string service,
        DateTimeOffset time, bool isS3)
    {
        var canonicalHeaders = CanonicalHeaders(headers);
        string signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Key));
        string canonicalRequest = string.Join('\n',
            method,
            isS3 ? path : CanonicalPath(path),
            CanonicalQuery(query),
            string.Concat(canonicalHeaders.Select(h => h.Key + ":" + h.Value + "\n")),
            signedHeaders,
            payloadHash);
        string shortDate = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string scope = $"{shortDate}/{region}/{service}/aws4_request";
        string stringToSign = $"{Algorithm}\n{AmzDate(time)}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), shortDate);
        key = Hmac(Hmac(Hmac(key, region), service), "aws4_request");
        string signature = Hex(Hmac(key, stringToSign));
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The <c>x-amz-date</c> value: ISO 8601 basic format, UTC, to the second.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string PayloadHash(ReadOnlySpan<byte> payload) => Hex(SHA256.HashData(payload));

    /// <summary>RFC 3986 escaping as AWS wants it: every byte of the UTF-8 form but <c>A-Z a-z 0-9 - _ . ~</c> as
    /// <c>%XX</c> (upper-case hex); with <paramref name="keepSlash"/>, <c>/</c> too is kept (an S3 key in a path).</summary>
    public static string Escape(string text, bool keepSlash = false) => Escape(text, keepSlash, keepMarks: false);

    private static string Escape(string text, bool keepSlash, bool keepMarks)
    {
        var escaped = new StringBuilder(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~' || (keepSlash && c == '/')
                || (keepMarks && c is '!' or '\'' or '(' or ')' or '*'))
            {
                escaped.Append(c);
                continue;
            }
            int length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
            foreach (byte b in utf8[..length])
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return escaped.ToString();
    }

    /// <summary>Outside S3 the path is normalised (empty and <c>.</c> segments dropped, <c>..</c> resolved) and
    /// escaped once more, keeping its slashes and, as AWS's signer for JavaScript does (it escapes the path with
    /// <c>encodeURIComponent</c>), <c>! ' ( ) *</c>.</summary>
    internal static string CanonicalPath(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
        string normalized = (path.StartsWith('/') ? "/" : "") + string.Join('/', segments) + (segments.Count > 0 && path.EndsWith('/') ? "/" : "");
        return Escape(normalized, keepSlash: true, keepMarks: true);
    }

    internal static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) => string.Join('&', query
        .Where(p => !p.Key.Equals("X-Amz-Signature", StringComparison.OrdinalIgnoreCase))
        .Select(p => (Name: Escape(p.Key), Value: Escape(p.Value)))
        .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => p.Name + "=" + p.Value));

    internal static List<KeyValuePair<string, string>> CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers) => headers
        .Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), h.Value))
        .Where(h => !Unsignable.Contains(h.Key) && !h.Key.StartsWith("proxy-", StringComparison.Ordinal) && !h.Key.StartsWith("sec-", StringComparison.Ordinal))
        .Select(h => KeyValuePair.Create(h.Key, CollapseWhitespace(h.Value)))
        .OrderBy(h => h.Key, StringComparer.Ordinal)
        .ToList();

    /// <summary>Trimmed, each run of whitespace made one space (JavaScript's <c>\s</c>, as AWS's signer reads it).</summary>
    private static string CollapseWhitespace(string value)
    {
        var collapsed = new StringBuilder(value.Length);
        bool inRun = false;
        foreach (char c in value.AsSpan().Trim(Whitespace))
        {
            if (Whitespace.Contains(c))
            {
                inRun = true;
                continue;
            }
            if (inRun)
            {
                collapsed.Append(' ');
                inRun = false;
            }
            collapsed.Append(c);
        }
        return collapsed.ToString();
    }

    private const string Whitespace =
        " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
