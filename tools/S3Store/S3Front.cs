using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace LokiLambdaExtension.Tools.S3Store;

/// <summary>A real S3 API server (s3rver) behind a front as strict as S3 about SigV4 signatures, with faults on demand
/// (tools/node/s3-strict-front.js), started for a test and stopped with it. Its objects are read from s3rver's
/// directory, independently of the extension's S3 client.</summary>
public sealed class S3Front : NodeFront
{
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly string _directory;

    private S3Front(Process process, string directory, string bucket, Uri endpoint) : base(process, endpoint)
    {
        _directory = directory;
        Bucket = bucket;
    }

    public string Bucket { get; }

    /// <summary>The environment that points the extension at this store: bucket and prefix, endpoint, credentials.</summary>
    public Dictionary<string, string> Environment(string prefix, string mode = "fallback") => new()
    {
        ["LOKI_ARCHIVE_S3"] = $"s3://{Bucket}/{prefix}",
        ["LOKI_ARCHIVE_MODE"] = mode,
        ["LOKI_ARCHIVE_S3_ENDPOINT"] = Endpoint.ToString(),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = "session-token-of-the-test",
    };

    public static async Task<S3Front> StartAsync(string bucket = "log-archive")
    {
        string directory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var (process, endpoint) = await StartAsync("s3-strict-front.js", "--directory", directory, "--bucket", bucket);
        return new S3Front(process, directory, bucket, endpoint);
    }

    /// <summary>The next <paramref name="count"/> S3 requests are answered <paramref name="status"/> (-1: all of them).</summary>
    public Task FaultAsync(int status, int count) => PostControlAsync("/__faults", $"{{\"status\":{status},\"count\":{count}}}");

    public async Task<FrontStats> StatsAsync() => (await Control.GetFromJsonAsync<FrontStats>(new Uri(Endpoint, "/__stats")))!;

    /// <summary>Every object stored, by key (as s3rver keeps them on disk).</summary>
    public IReadOnlyDictionary<string, byte[]> Objects()
    {
        const string suffix = "._S3rver_object";
        string root = Path.Combine(_directory, Bucket);
        return Directory.EnumerateFiles(root, "*" + suffix, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f)[..^suffix.Length].Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What the front saw: S3 requests, those answered with an injected fault, those refused (bad signature,
/// payload, key or an expired token: their codes), objects stored and the access key each was signed with.</summary>
public sealed record FrontStats(int Requests, int Faulted, int Refused, int Stored, Dictionary<string, string> SignedBy, List<string> Refusals);
