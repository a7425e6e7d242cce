namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary>A proxy or load balancer before Loki that answers with a redirect: never followed by any client (the
/// credentials, the tenant, the S3 session token and the body would go with it), never taken for a stored push.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class RedirectTests(ExtensionBinaryFixture extension)
{
    [Theory]
    [InlineData(307)]
    [InlineData(301)]
    [InlineData(302)]
    public async Task ARedirect_IsNeverFollowed_TheEntriesAreKeptAndArriveOnceLokiAnswers(int status)
    {
        await using var elsewhere = new ElsewhereHost();
        await using var loki = LokiReceiver.Start();
        string location = $"{elsewhere.BaseUrl}loki/api/v1/push?sig=s3cr3t-in-the-location";
        loki.SetPersistentFault(new Fault.Redirect(status, location));
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            ("LOKI_HEADERS", "X-Api-Key=hunter2-header"), ("LOKI_TENANT_ID", "team-a"), ("LOKI_AUTH_TOKEN", "hunter2-token")));
        string run = Guid.NewGuid().ToString("N")[..8];

        await sandbox.InvokeAsync(Lines(1, run));
        await sandbox.InvokeAsync(Lines(2, run));
        Assert.DoesNotContain(loki.Entries, e => e.Line.Contains(run));
        loki.SetPersistentFault(null); // the operator fixes LOKI_PUSH_URL's target
        await sandbox.InvokeAsync(Lines(3, run) with { RuntimeDurationMs = 1500 });
        await sandbox.ShutdownAsync();

        Assert.Empty(elsewhere.Requests);
        for (int i = 1; i <= 3; i++)
        {
            for (int n = 1; n <= 10; n++)
            {
                Assert.Single(loki.Entries, e => e.Line.EndsWith($"{run} redirected {i} line {n}", StringComparison.Ordinal));
            }
        }
        string told = Assert.Single(sandbox.Output, l => l.Contains("configuration error: Loki at", StringComparison.Ordinal));
        Assert.Contains($"HTTP {status}, redirecting to {elsewhere.BaseUrl}loki/api/v1/push?…", told);
        Assert.Contains("LOKI_PUSH_URL", told);
        Assert.DoesNotContain(sandbox.Output, l => l.Contains("s3cr3t-in-the-location") || l.Contains("hunter2"));
        Assert.Equal(loki.Entries.Count, ExtensionSummary.Number(sandbox.Output, "sent")); // counted sent only once stored
    }

    [Fact]
    public async Task ARedirectThroughShutdown_SendsNothing_AndCountsNothingSent()
    {
        await using var elsewhere = new ElsewhereHost();
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Redirect(302, $"{elsewhere.BaseUrl}loki/api/v1/push"));
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_SPOOL_MAX_MB", "0")));
        string run = Guid.NewGuid().ToString("N")[..8];

        for (int i = 1; i <= 5; i++)
        {
            await sandbox.InvokeAsync(Lines(i, run));
        }
        await sandbox.ShutdownAsync();

        Assert.Empty(elsewhere.Requests);
        Assert.Equal(0, ExtensionSummary.Number(sandbox.Output, "sent"));
        Assert.True(ExtensionSummary.Number(sandbox.Output, "unsent") + ExtensionSummary.Number(sandbox.Output, "dropped") >= 50,
            string.Join("\n", sandbox.Output));
    }

    [Fact]
    public async Task Check_ARedirect_FailsNamingWhereItPoints_AndFollowsNothing()
    {
        await using var elsewhere = new ElsewhereHost();
        await using var loki = LokiReceiver.Start();
        loki.SetPersistentFault(new Fault.Redirect(301, $"{elsewhere.BaseUrl}loki/api/v1/push"));

        var (code, output) = await ExtensionBinary.RunAsync(extension.Path, ["--check"],
            new Dictionary<string, string> { ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(), ["LOKI_AUTH_TOKEN"] = "hunter2-token" }, TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        Assert.Contains($"FAILED: {loki.BaseUrl}loki/api/v1/push answers HTTP 301, redirecting to {elsewhere.BaseUrl}loki/api/v1/push", output);
        Assert.DoesNotContain("OK: Loki stored", output);
        Assert.DoesNotContain("hunter2", output);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Check_AnS3EndpointThatRedirects_FailsTheProbe_AndTheSessionTokenGoesNowhere()
    {
        await using var elsewhere = new ElsewhereHost();
        await using var loki = LokiReceiver.Start();
        await using var redirecting = new ElsewhereHost(307, $"{elsewhere.BaseUrl}bucket/probe"); // every request, the probe's PUT too

        var (code, output) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = loki.BaseUrl.ToString(),
            ["LOKI_ARCHIVE_S3"] = "s3://bucket/lambda",
            ["LOKI_ARCHIVE_S3_ENDPOINT"] = redirecting.BaseUrl.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "secret-key-never-printed",
            ["AWS_SESSION_TOKEN"] = "session-token-never-sent-elsewhere",
            ["AWS_REGION"] = "eu-west-1",
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        Assert.Contains("HTTP 307 redirecting to", output);
        Assert.Empty(elsewhere.Requests);
        Assert.DoesNotContain("secret-key-never-printed", output);
        Assert.DoesNotContain("session-token-never-sent-elsewhere", output);
    }

    private static Invocation Lines(int invocation, string run) => new($"{invocation:D8}-3333-4000-8000-000000000000",
        [.. Enumerable.Range(1, 10).Select(n => new TelemetryLine.Text($"{run} redirected {invocation} line {n}"))]);
}
