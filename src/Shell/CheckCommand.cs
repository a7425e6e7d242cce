using System.Diagnostics;
using LokiLambdaExtension.Shell.Archive;
using LokiLambdaExtension.Shell.Aws;
using LokiLambdaExtension.Shell.Loki;

namespace LokiLambdaExtension.Shell;

/// <summary><c>loki-lambda-extension --check</c>: run with the function's environment on a laptop or in a deploy
/// pipeline, it validates the configuration, pushes one test entry and says what Loki answered. Exit 0 when Loki
/// stored it; 1 when Loki is unreachable or refuses the credentials or the payload; 2 when the configuration
/// leaves nothing to check. With the S3 archive on, it also writes and deletes a probe object (1 when S3 refuses it).
/// Credentials from the container endpoint and secrets referenced in AWS are read first, each said resolved or not (1
/// when one is not).</summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> environment)
    {
        var (config, problems) = ConfigReader.Read(environment);
        Console.WriteLine("configuration:");
        foreach (var (name, value) in environment.Where(v => v.Key.StartsWith("LOKI_", StringComparison.Ordinal)).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {name} = {Redaction.Shown(name, value)}");
        }
        Console.WriteLine(problems.IsEmpty ? "  no problems" : string.Join("\n", problems.Select(p => $"  problem: {p}")));
        if (config.PushUri.Case is not Uri pushUri)
        {
            Console.WriteLine("nothing to check: shipping is off with this configuration");
            return 2;
        }
        Console.WriteLine($"labels: {config.Labels.Extension}");
        if (config.TenantsLine is { } tenants)
        {
            Console.WriteLine(tenants);
        }
        var (credentials, headers) = await AwsAccessOnce.ResolveAsync(config, line => Console.WriteLine($"  {line}"));
        if (headers is not { } pushHeaders)
        {
            Console.WriteLine("FAILED: a secret for Loki could not be read from AWS (see above): the extension would ship nothing until it can be");
            return 1;
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var client = new LokiClient(pushUri, pushHeaders);
        using PooledBuffer body = PushBatch.Probe(now * 1_000_000, $"loki-lambda-extension --check: test entry ({Environment.MachineName})")
            .Body(config.Labels);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stopwatch = Stopwatch.StartNew();
        var (outcome, status) = await client.PushAsync(body, timeout.Token);
        stopwatch.Stop();

        string answer = outcome.Answer();
        Console.WriteLine($"POST {client.Display} -> {(status is { } s ? $"HTTP {s}" : "no answer")} in {stopwatch.Elapsed.TotalMilliseconds:F0} ms" +
                          (answer.Length > 0 ? $": {answer}" : ""));
        (int code, string verdict) = outcome.CheckVerdict(status, client.Display);
        Console.WriteLine(verdict);
        int archived = config.Archive.Case is ArchiveTarget archive ? await ArchiveProbe.RunAsync(archive, credentials, config.Labels) : 0;
        return Math.Max(code, archived);
    }
}
