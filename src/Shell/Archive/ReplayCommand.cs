using HttpHeaders = LanguageExt.Seq<LokiLambdaExtension.Core.Wire.HttpHeader>;
using LokiLambdaExtension.Shell.Aws;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell.Archive;

/// <summary><c>loki-lambda-extension replay [s3://bucket/prefix]</c>: sends every archived object under the prefix to
/// the Loki of <c>LOKI_PUSH_URL</c> (with its credentials), in key order, which is time order per service. Each
/// object goes once: it is listed once (pages followed to the end, keys de-duplicated) and pushed until Loki stores
/// it, a failure being tried again with backoff; the entries keep the timestamps they were archived with, so even
/// a second replay of the same prefix adds nothing to Loki (it keeps one of two identical entries). An object whose key
/// names its Loki tenant (<c>tenant=ID/</c>, <c>LOKI_TENANT_MODE=lambda</c>) goes back to that tenant. Exit 0 when every
/// object was stored, 1 when some were not (each said), 2 when the configuration leaves nothing to replay.</summary>
internal static class ReplayCommand
{

    /// <summary>The largest object fetched: an archived object holds one push batch (2 MiB of lines), compressed.</summary>
    private const int MaxObjectBytes = 16 * 1024 * 1024;

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments)
    {
        var env = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        if (arguments.Count > 0)
        {
            env[ConfigValues.Names.ArchiveS3] = arguments[0];
        }
        var (config, problems) = ConfigReader.Read(env);
        foreach (string problem in problems)
        {
            Console.WriteLine($"problem: {problem}");
        }
        if (config.PushUri.Case is not Uri pushUri || config.Archive.Case is not ArchiveTarget target)
        {
            Console.WriteLine($"nothing to replay: give the archive (s3://bucket/prefix or {ConfigValues.Names.ArchiveS3}), {ConfigValues.Names.PushUri} " +
                              "and the AWS credentials");
            return 2;
        }
        var (credentials, headers) = await AwsAccessOnce.ResolveAsync(config, Console.WriteLine);
        if (credentials is null || headers is null)
        {
            Console.WriteLine("FAILED: the AWS credentials or a secret for Loki could not be read (see above)");
            return 1;
        }
        using var s3 = new S3Client(target);
        using var loki = new LokiClient(pushUri, headers);
        // The prefix as a directory first; when nothing is under it, as S3 reads a prefix (a key, or part of a name).
        string prefix = target.Prefix;
        var (keys, listProblem) = await ListAsync(s3, credentials, target.KeyPrefix);
        if (listProblem is null && keys.Count == 0 && prefix.Length > 0)
        {
            (keys, listProblem) = await ListAsync(s3, credentials, prefix);
        }
        if (listProblem is not null)
        {
            Console.WriteLine($"FAILED: cannot list {target.Shown} ({listProblem}); check s3:ListBucket on the bucket");
            return 1;
        }
        int stored = 0, failed = 0;
        long bytes = 0;
        foreach (string key in keys)
        {
            HttpHeaders objectHeaders = ArchiveReplay.HeadersFor(target, key, headers.Value);
            var (problem, length) = await ReplayIsolatedAsync(s3, credentials, loki, key, objectHeaders);
            if (problem is null)
            {
                stored++;
                bytes += length;
            }
            else
            {
                failed++;
                Console.WriteLine($"not replayed: {key}: {problem}");
            }
        }
        Console.WriteLine($"replayed {stored} of {keys.Count} objects ({bytes} bytes) from {target.Shown} into {loki.Display}" +
                          (failed > 0 ? $"; {failed} failed (replaying again is safe: Loki keeps one of identical entries)" : ""));
        return failed == 0 ? 0 : 1;
    }

    private static async Task<(List<string> Keys, string? Problem)> ListAsync(S3Client s3, AwsCredentials credentials, string prefix)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? continuation = null;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var (page, problem) = await s3.ListAsync(prefix, continuation, credentials, timeout.Token);
            if (page is null)
            {
                return (keys, problem);
            }
            foreach (string key in page.Keys)
            {
                if (!("/" + key).Contains($"/{ArchiveProbe.Directory}/", StringComparison.Ordinal) && seen.Add(key))
                {
                    keys.Add(key);
                }
            }
            continuation = page.Continuation;
            if (continuation is not null && !tokens.Add(continuation))
            {
                return (keys, $"the listing repeats a continuation token after {keys.Count} keys (a broken or hostile S3 endpoint)");
            }
        }
        while (continuation is not null);
        return (keys, null);
    }

    /// <summary>One object, whatever it holds: a problem of its own (a key that cannot be addressed, a body that is not a
    /// push, a failure inside the extension) is said for it, and the next object is replayed.</summary>
    private static async Task<(string? Problem, long Bytes)> ReplayIsolatedAsync(S3Client s3, AwsCredentials credentials, LokiClient loki, string key,
        HttpHeaders headers)
    {
        if (!ArchiveTarget.IsAddressable(key))
        {
            return ("a key with '.' or '..' segments or control characters: HTTP clients rewrite such paths, so it is not fetched", 0);
        }
        try
        {
            return await ReplayAsync(s3, credentials, loki, key, headers);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ($"failed inside the extension ({e.GetType().Name}: {e.Message})", 0);
        }
    }

    /// <summary>Gets the object and pushes it stream by stream (<see cref="ArchiveReplay.Streams"/>), each tried as
    /// <see cref="ArchiveReplay"/> decides; no problem once Loki stored every stream, with the object's length.</summary>
    private static async Task<(string? Problem, long Bytes)> ReplayAsync(S3Client s3, AwsCredentials credentials, LokiClient loki, string key,
        HttpHeaders headers)
    {
        byte[]? body = null;
        string problem = "";
        for (int attempt = 0; attempt < ArchiveReplay.Attempts && body is null; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ArchiveReplay.WaitBeforeMs(attempt, ShellRandom.Jitter())));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Archived objects are one push batch: a larger one is not the extension's, and is not read whole.
            (body, string? getProblem) = await s3.GetAsync(key, MaxObjectBytes, credentials, timeout.Token);
            problem = $"GET: {getProblem}";
        }
        if (body is null)
        {
            return (problem, 0);
        }
        List<byte[]> streams;
        try
        {
            streams = ArchiveReplay.Streams(body);
        }
        catch (InvalidDataException e)
        {
            return ($"not a Loki push body ({e.Message})", 0);
        }
        foreach (byte[] stream in streams)
        {
            if (await PushAsync(loki, stream, headers) is { } refused)
            {
                return (refused, 0);
            }
        }
        return (null, body.Length);
    }

    private static async Task<string?> PushAsync(LokiClient loki, byte[] stream, HttpHeaders headers)
    {
        string problem = "";
        long? retryAfterMs = null;
        for (int attempt = 0; attempt < ArchiveReplay.Attempts; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ArchiveReplay.WaitBeforeMs(attempt, ShellRandom.Jitter(), retryAfterMs)));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var (outcome, status) = await loki.PushAsync(stream, timeout.Token, headers);
            if (outcome.IsStored)
            {
                return null;
            }
            problem = $"Loki: {(status is { } s ? $"HTTP {s} " : "")}{outcome.Answer()}";
            if (!ArchiveReplay.TriesAgain(outcome))
            {
                return problem; // refused as it is: another try would be refused alike
            }
            retryAfterMs = outcome.WaitAskedMs;
        }
        return problem;
    }
}
