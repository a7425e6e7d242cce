using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Archive;

/// <summary><c>LOKI_ARCHIVE_MODE</c>: what goes to the S3 archive.</summary>
internal enum ArchiveMode
{
    /// <summary>What would otherwise be lost: entries Loki did not take by SHUTDOWN's deadline, lines shed from a full
    /// buffer.</summary>
    Fallback,

    /// <summary>Every batch Loki stored, too (long-term retention), besides the fallback.</summary>
    All,
}

/// <summary><c>LOKI_ARCHIVE_S3=s3://bucket/prefix</c>, read.</summary>
internal sealed record ArchiveLocation(string Bucket, string Prefix)
{
    public override string ToString() => Prefix.Length > 0 ? $"s3://{Bucket}/{Prefix}" : $"s3://{Bucket}";

    /// <summary>What every key of the archive starts with: the prefix and a slash, or nothing at the bucket's root.</summary>
    public string KeyPrefix => Prefix.Length > 0 ? Prefix + "/" : "";

    /// <summary>An S3 URL with a bucket name S3 accepts (3-63 of a-z 0-9 . -, starting and ending with a letter or
    /// digit) and an optional prefix (slashes at its ends dropped).</summary>
    public static Either<string, ArchiveLocation> Parse(string text)
    {
        const string scheme = "s3://";
        if (!text.StartsWith(scheme, StringComparison.Ordinal))
        {
            return "is not s3://bucket/prefix";
        }
        string rest = text[scheme.Length..];
        int slash = rest.IndexOf('/');
        string bucket = slash < 0 ? rest : rest[..slash];
        string prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
            || !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
        {
            return $"names no valid bucket ('{Redaction.Url(bucket)}': 3-63 of a-z 0-9 . -)";
        }
        if (prefix.Length > 512 || !ArchiveTarget.IsAddressable(prefix))
        {
            return "has a prefix S3 keys cannot start with (over 512 characters, control characters, or '.' or '..' segments, which HTTP clients rewrite)";
        }
        return new ArchiveLocation(bucket, prefix);
    }
}

/// <summary>The archive as configured: where and what. Requests are signed with the function role's credentials, which
/// the core holds (<see cref="AccessState"/>) and hands to each write.</summary>
public sealed record ArchiveTarget
{
    /// <param name="Endpoint">An S3-compatible endpoint (path-style requests: <c>endpoint/bucket/key</c>); None for AWS's
    /// own (<c>https://bucket.s3.region.amazonaws.com/key</c>).</param>
    /// <param name="ServiceName">The <c>service_name</c> label: the key's first part after the prefix.</param>
    internal ArchiveTarget(ArchiveLocation Location, ArchiveMode Mode, Option<Uri> Endpoint, string Region, string ServiceName)
    {
        this.Location = Location;
        this.Mode = Mode;
        this.Endpoint = Endpoint;
        this.Region = Region;
        this.ServiceName = ServiceName;
    }

    internal ArchiveLocation Location { get; init; }

    /// <summary>The bucket's name.</summary>
    public string Bucket => Location.Bucket;

    /// <summary>The prefix of the archive's keys, without slashes at its ends; empty at the bucket's root.</summary>
    public string Prefix => Location.Prefix;

    /// <summary>What every key of the archive starts with: the prefix and a slash, or nothing at the bucket's root.</summary>
    public string KeyPrefix => Location.KeyPrefix;

    /// <summary>The archive as <c>LOKI_ARCHIVE_S3</c> names it.</summary>
    public string Shown => Location.ToString();

    internal ArchiveMode Mode { get; init; }

    internal Option<Uri> Endpoint { get; init; }

    public string Region { get; internal init; }

    internal string ServiceName { get; init; }

    /// <summary>The region when AWS_REGION is not set (it always is on Lambda).</summary>
    public const string DefaultRegion = "us-east-1";

    public Uri ObjectUri(string key) => IsAddressable(key)
        ? new(BucketAddress + SigV4.Escape(key, keepSlash: true))
        : throw new ArgumentException("a key with '.' or '..' segments or control characters cannot be addressed", nameof(key));

    /// <summary>Whether a key's URL reaches that key: a <c>.</c> or <c>..</c> segment is rewritten by URL normalisation
    /// (<c>a/../b</c> becomes <c>b</c>, and enough of them leave the bucket path-style), and control characters are not
    /// kept by every client. Such keys are refused, never rewritten.</summary>
    public static bool IsAddressable(string key) =>
        !key.Any(char.IsControl) && !key.Split('/').Any(segment => segment is "." or "..");

    /// <summary>The bucket's URL, for listing.</summary>
    public Uri BucketUri => new(BucketAddress);

    private string BucketAddress => Endpoint.Case is Uri endpoint
        ? $"{endpoint.GetLeftPart(UriPartial.Authority)}{endpoint.AbsolutePath.TrimEnd('/')}/{Location.Bucket}/"
        : $"https://{Location.Bucket}.s3.{Region}.amazonaws.com/";
}
