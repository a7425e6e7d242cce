using System.Text.RegularExpressions;
using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.Archive;

/// <summary>The S3 archive end to end: the AOT binary in the emulated sandbox, writing to a real S3 API server (s3rver)
/// behind a front that checks every SigV4 signature as S3 does and injects S3's faults.</summary>
[Collection(ExtensionCollection.Name)]
public sealed partial class ArchiveTests(ExtensionBinaryFixture extension)
{
    [GeneratedRegex(@"^lambda/orders-api/\d{4}/\d{2}/\d{2}/\d{2}/\d{8}T\d{6}\.\d{9}Z-\d{6}-\d{6}$")]
    private static partial Regex KeyLayout();

    internal static Invocation Lines(int invocation, int count, string run) => new(
        $"{invocation:D8}-5555-4666-8777-888888888888",
        [.. Enumerable.Range(1, count).Select(n => new TelemetryLine.Text($"{run} inv {invocation} line {n}"))]);

    private static IEnumerable<string> Expected(string run, int invocations, int lines) =>
        Enumerable.Range(1, invocations).SelectMany(i => Enumerable.Range(1, lines).Select(n => $"{run} inv {i} line {n}"));

    private SandboxOptions Options(LokiReceiver loki, S3Front s3, string mode = "fallback") =>
        extension.Options(loki.BaseUrl, [.. s3.Environment("lambda", mode).Select(v => (v.Key, v.Value))]);

    [Fact]
    public async Task LokiDownThroughShutdown_EveryLineIsInTheArchiveOnce_UnderKeysThatSortByTime()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Status(503, "unavailable"));
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(Options(loki, s3));
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 5; i++)
        {
            results.Add(await sandbox.InvokeAsync(Lines(i, 20, run)));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        string output = string.Join("\n", sandbox.Output);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        var objects = s3.Objects();
        Assert.NotEmpty(objects);
        Assert.All(objects.Keys, key => Assert.Matches(KeyLayout(), key));
        var archived = ArchivedEntry.Of(objects);
        foreach (string line in Expected(run, 5, 20))
        {
            Assert.Single(archived, e => e.Line.EndsWith(line, StringComparison.Ordinal));
        }
        Assert.All(archived, e => Assert.Contains("service_name=\"orders-api\"", e.Labels));
        // The report travels with the lines, so a replay tells Loki what happened; and nothing is counted lost. One report
        // an object, telling of its own entries: a record the platform delivers late (the last REPORT, under qemu) can
        // make a second object at SHUTDOWN, with a report of its own.
        var reports = archived.Where(e => e.Metadata.GetValueOrDefault("cause") == "archived").ToList();
        Assert.NotEmpty(reports);
        Assert.All(reports, report => Assert.Contains("archived to s3://log-archive/lambda", report.Line));
        Assert.Equal(reports.Count, reports.Select(report => report.Key).Distinct().Count());
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "dropped"));
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "unsent"));
        Assert.True(ExtensionSummary.Number(sandbox.Output, "archived") >= 100, output);
        // Keys sort by the time of their first entry.
        var firsts = objects.Keys.Order(StringComparer.Ordinal).Select(k => archived.Where(e => e.Key == k).Min(e => e.UnixNanos)).ToList();
        Assert.Equal(firsts.Order(), firsts);
        Assert.Equal(0, (await s3.StatsAsync()).Refused);
        Assert.DoesNotContain("session-token-of-the-test", output);
    }

    [Fact]
    public async Task AllMode_EveryLineIsInLokiOnce_AndInTheArchiveOnce()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(Options(loki, s3, mode: "all"));
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 4; i++)
        {
            results.Add(await sandbox.InvokeAsync(Lines(i, 25, run)));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        var archived = ArchivedEntry.Of(s3.Objects());
        foreach (string line in Expected(run, 4, 25))
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith(line, StringComparison.Ordinal));
            Assert.Single(archived, e => e.Line.EndsWith(line, StringComparison.Ordinal));
        }
        // Copies are what Loki stored, entry for entry: same stream, time and line.
        var stored = loki.Entries.Select(e => (e.UnixNanos, e.Line)).ToHashSet();
        Assert.All(archived, e => Assert.Contains((e.UnixNanos, e.Line), stored));
        Assert.Equal(ExtensionSummary.Number(sandbox.Output, "sent"), ExtensionSummary.Number(sandbox.Output, "archive_copies"));
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "archived"));
    }

    [Fact]
    public async Task S3Answering503_IsRetriedWithBackoff_ToldOnce_AndEveryLineIsArchived()
    {
        await using var s3 = await S3Front.StartAsync();
        await s3.FaultAsync(503, count: 2);
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Status(503, "unavailable"));
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var sandbox = await LambdaSandbox.StartAsync(Options(loki, s3));
        for (int i = 1; i <= 3; i++)
        {
            await sandbox.InvokeAsync(Lines(i, 10, run));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        string output = string.Join("\n", sandbox.Output);
        Assert.Equal(0, shutdown.ExitCode);
        var archived = ArchivedEntry.Of(s3.Objects());
        foreach (string line in Expected(run, 3, 10))
        {
            Assert.Single(archived, e => e.Line.EndsWith(line, StringComparison.Ordinal));
        }
        Assert.Equal(2, (await s3.StatsAsync()).Faulted);
        Assert.Equal(2, ExtensionSummary.Number(sandbox.Output, "archive_failures"));
        Assert.Single(sandbox.Output, l => l.Contains("cannot write to the archive at s3://log-archive/lambda (HTTP 503 SlowDown"));
        Assert.Single(sandbox.Output, l => l.Contains("takes objects again"));
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "unsent"));
        Assert.True(ExtensionSummary.Number(sandbox.Output, "archived") >= 30, output);
    }

    [Fact]
    public async Task S3Refusing403_IsToldOnceWithTheVariableToCheck_TheFunctionIsNotHeld_AndTheSpoolKeepsTheRest()
    {
        await using var s3 = await S3Front.StartAsync();
        await s3.FaultAsync(403, count: -1);
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Status(503, "unavailable"));
        string run = Guid.NewGuid().ToString("N")[..8];
        string spool = Directory.CreateTempSubdirectory("loki-spool-archive-").FullName;
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            [.. s3.Environment("lambda").Select(v => (v.Key, v.Value)), ("LOKI_SPOOL_DIR", spool)]));
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 3; i++)
        {
            results.Add(await sandbox.InvokeAsync(Lines(i, 10, run)));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        string output = string.Join("\n", sandbox.Output);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.False(shutdown.Killed, output);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        Assert.Empty(s3.Objects());
        Assert.True((await s3.StatsAsync()).Faulted >= 2, "the write was tried again");
        string told = Assert.Single(sandbox.Output, l => l.Contains("cannot write to the archive"));
        Assert.Contains("HTTP 403 AccessDenied", told);
        Assert.Contains("LOKI_ARCHIVE_S3", told);
        Assert.Contains("s3:PutObject", told);
        // What neither Loki nor S3 took is spilled for a reused environment, as without the archive.
        Assert.Contains(sandbox.Output, l => l.Contains("shutdown:") && l.Contains("kept in the spool"));
        Assert.DoesNotContain("session-token-of-the-test", output);
        Directory.Delete(spool, recursive: true);
    }

    [Fact]
    public async Task AllModeWithS3Down_EveryLineIsInLokiOnce_NoInvocationIsHeldPastTheBudget_AndTheFailureIsToldOnce()
    {
        await using var s3 = await S3Front.StartAsync();
        await s3.FaultAsync(503, count: -1);
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        // Copies fill an object (2 MiB of lines) in the third invocation: its write fails, and every later flush retries it.
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            [.. s3.Environment("lambda", "all").Select(v => (v.Key, v.Value))]));
        var results = new List<InvocationResult>();
        for (int i = 1; i <= 6; i++)
        {
            results.Add(await sandbox.InvokeAsync(new Invocation($"{i:D8}-5555-4666-8777-999999999999",
                [.. Enumerable.Range(1, 1000).Select(n => new TelemetryLine.Text($"{run} inv {i} line {n} {new string('z', 900)}"))])));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        string output = string.Join("\n", sandbox.Output);
        Assert.Equal(0, shutdown.ExitCode);
        Assert.All(results, r => Assert.InRange(r.HeldAfterRuntimeDone.TotalMilliseconds, 0, NotHostage.BoundMs));
        foreach (int i in Enumerable.Range(1, 6))
        {
            foreach (int n in new[] { 1, 500, 1000 })
            {
                Assert.Single(loki.Entries, e => e.Line.Contains($"{run} inv {i} line {n} ", StringComparison.Ordinal));
            }
        }
        Assert.Equal(6000, loki.Entries.Count(e => e.Line.Contains(run, StringComparison.Ordinal)));
        Assert.True((await s3.StatsAsync()).Faulted >= 2, output);
        Assert.Single(sandbox.Output, l => l.Contains("cannot write to the archive"));
        Assert.True(ExtensionSummary.Number(sandbox.Output, "archive_failures") >= 2, output);
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "archive_copies"));
        Assert.Empty(s3.Objects());
    }

    [Fact]
    public async Task Replay_PushesEachObjectOnce_AndAKeyAlone()
    {
        await using var s3 = await S3Front.StartAsync();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using (var down = LokiReceiver.Start())
        {
            down.SetPersistentFault(new Fault.Status(503, "unavailable"));
            await using var sandbox = await LambdaSandbox.StartAsync(Options(down, s3));
            for (int i = 1; i <= 3; i++)
            {
                await sandbox.InvokeAsync(Lines(i, 20, run));
            }
            await sandbox.ShutdownAsync();
        }
        var objects = s3.Objects();
        await using var loki = LokiReceiver.Start();
        var environment = new Dictionary<string, string>(s3.Environment("lambda")) { ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString() };

        var (exit, output) = await ExtensionBinary.RunAsync(extension.Path, ["replay"], environment, TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        Assert.Contains($"replayed {objects.Count} of {objects.Count} objects", output);
        // One push request per stream of each object: Loki answers a push of several streams with the last one's error.
        Assert.Equal(ArchivedEntry.Of(objects).Select(e => (e.Key, e.Labels)).Distinct().Count(), loki.Pushes.Count);
        foreach (string line in Expected(run, 3, 20))
        {
            Assert.Single(loki.Entries, e => e.Line.EndsWith(line, StringComparison.Ordinal));
        }
        string oneKey = objects.Keys.Order(StringComparer.Ordinal).First();
        var (alone, said) = await ExtensionBinary.RunAsync(extension.Path, ["replay", $"s3://{s3.Bucket}/{oneKey}"], environment, TimeSpan.FromSeconds(60));
        Assert.True(alone == 0, said);
        Assert.Contains("replayed 1 of 1 objects", said);
    }

    [Fact]
    public async Task Check_WritesAndDeletesAProbeObject_AndFailsWhenS3RefusesTheSignature()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        var environment = new Dictionary<string, string>(s3.Environment("lambda"))
        {
            ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["AWS_REGION"] = "eu-west-1", ["AWS_LAMBDA_FUNCTION_NAME"] = "orders-api",
        };

        var (exit, output) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        Assert.Matches(@"PUT s3://log-archive/lambda/_check/\S+ -> stored", output);
        Assert.Matches(@"DELETE s3://log-archive/lambda/_check/\S+ -> deleted", output);
        Assert.Contains("OK: the archive stored the probe object", output);
        Assert.Empty(s3.Objects());
        Assert.Equal(1, (await s3.StatsAsync()).Stored);
        Assert.DoesNotContain("session-token-of-the-test", output);

        environment["AWS_SECRET_ACCESS_KEY"] = "a-secret-s3-does-not-know";
        var (refused, said) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));

        Assert.True(refused == 1, said);
        Assert.Contains("HTTP 403 SignatureDoesNotMatch", said);
        Assert.Contains("FAILED: the archive at s3://log-archive/lambda refused the probe object", said);
        Assert.DoesNotContain("a-secret-s3-does-not-know", said);
    }

    [Fact]
    public async Task Https_TheArchiveIsWrittenOverTls_TrustingATestCaOnlyThroughSslCertFile()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var tls = TlsFront.Start(s3.Endpoint);
        await using var loki = LokiReceiver.Start();
        var environment = new Dictionary<string, string>(s3.Environment("lambda"))
        {
            ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["LOKI_ARCHIVE_S3_ENDPOINT"] = tls.BaseUrl.ToString(), ["SSL_CERT_FILE"] = tls.CaCertificateFile,
        };

        var (trustedCode, trusted) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));
        environment.Remove("SSL_CERT_FILE");
        var (refusedCode, refused) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], environment, TimeSpan.FromSeconds(60));

        Assert.True(trustedCode == 0, trusted);
        Assert.Contains("-> stored", trusted);
        Assert.Equal(1, refusedCode);
        Assert.Contains("SecureConnectionError", refused);
        Assert.Equal(1, (await s3.StatsAsync()).Stored);
        Assert.Equal(0, tls.Http2Clients); // offered h2, as AWS's endpoints are, the extension's HTTP/1.1 requests did not take it
    }
}
