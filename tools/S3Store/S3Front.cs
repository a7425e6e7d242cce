using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace LokiLambdaExtension.Tools.S3Store;

/// <summary>A real S3 API server (s3rver) behind a front as strict as S3 about SigV4 signatures, with faults on demand
/// (tools/node/s3-strict-front.js), started for a test and stopped with it. Its objects are read from s3rver's
/// directory, independently of the extension's S3 client.</summary>
public sealed class S3Front : IAsyncDisposable
{
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private static readonly HttpClient Control = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly string _directory;

    private S3Front(Process process, string directory, string bucket, Uri endpoint)
    {
        _process = process;
        _directory = directory;
        Bucket = bucket;
        Endpoint = endpoint;
    }

    public string Bucket { get; }

    /// <summary>What <c>LOKI_ARCHIVE_S3_ENDPOINT</c> is set to.</summary>
    public Uri Endpoint { get; }

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
        int port = LoopbackPorts.Any();
        Process process = await NodeTools.StartAsync("s3-strict-front.js", ["--port", port.ToString(), "--directory", directory, "--bucket", bucket]);
        var front = new S3Front(process, directory, bucket, new Uri($"http://127.0.0.1:{port}"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"the S3 front did not start: {await process.StandardError.ReadToEndAsync()}");
            }
            if (line.Contains("listening", StringComparison.Ordinal))
            {
                return front;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> S3 requests are answered <paramref name="status"/> (-1: all of them).</summary>
    public async Task FaultAsync(int status, int count) =>
        (await Control.PostAsync(new Uri(Endpoint, "/__faults"), new StringContent($"{{\"status\":{status},\"count\":{count}}}", Encoding.UTF8))).EnsureSuccessStatusCode();

    public async Task<FrontStats> StatsAsync() => (await Control.GetFromJsonAsync<FrontStats>(new Uri(Endpoint, "/__stats")))!;

    /// <summary>Every object stored, by key (as s3rver keeps them on disk).</summary>
    public IReadOnlyDictionary<string, byte[]> Objects()
    {
        const string suffix = "._S3rver_object";
        string root = Path.Combine(_directory, Bucket);
        return Directory.EnumerateFiles(root, "*" + suffix, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f)[..^suffix.Length].Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
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
/// payload or key), objects stored.</summary>
public sealed record FrontStats(int Requests, int Faulted, int Refused, int Stored);
