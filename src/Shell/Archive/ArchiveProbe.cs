using System.Diagnostics;

namespace LokiLambdaExtension.Shell.Archive;

/// <summary>What <c>--check</c> adds when the archive is on: it writes a probe object (a push body of one entry, so
/// even a replay of it is harmless) and deletes it. Writing is what the extension needs; the deletion needs
/// <c>s3:DeleteObject</c>, which the extension does not, so a refused deletion is said, not failed.</summary>
internal static class ArchiveProbe
{
    /// <summary>The directory of probe objects under the prefix: the replay skips it.</summary>
    public const string Directory = "_check";

    public static async Task<int> RunAsync(ArchiveTarget target, AwsCredentials? credentials, StreamLabels labels)
    {
        if (credentials is null)
        {
            Console.WriteLine($"FAILED: the archive at {target.Shown} cannot be checked without the function role's credentials (see above)");
            return 1;
        }
        using var client = new S3Client(target);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string key = target.KeyPrefix + $"{Directory}/{now}-{Environment.ProcessId}";
        using PooledBuffer body = PushBatch.Probe(now * 1_000_000, "loki-lambda-extension --check: archive probe").Body(labels);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stopwatch = Stopwatch.StartNew();
        var (problem, _, _) = await client.PutAsync(key, body.Memory, credentials, timeout.Token);
        Console.WriteLine($"PUT s3://{target.Bucket}/{key} -> {problem ?? "stored"} in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        if (problem is not null)
        {
            Console.WriteLine($"FAILED: the archive at {target.Shown} refused the probe object (check {ConfigValues.Names.ArchiveS3}, " +
                              $"{ConfigValues.Names.ArchiveEndpoint}, the credentials and s3:PutObject on the prefix)");
            return 1;
        }
        string? deleted = await client.DeleteAsync(key, credentials, timeout.Token);
        Console.WriteLine(deleted is null
            ? $"DELETE s3://{target.Bucket}/{key} -> deleted"
            : $"DELETE s3://{target.Bucket}/{key} -> {deleted} (the extension needs only s3:PutObject; delete the probe by hand)");
        Console.WriteLine("OK: the archive stored the probe object");
        return 0;
    }
}
