using LokiLambdaExtension.EndToEnd.Archive;
using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.Secrets;

/// <summary>The function role's credentials as Lambda gives them, end to end: SnapStart's container credentials endpoint
/// (no keys in the environment, new credentials after the restore) and credentials that expire during a run, signed
/// for the strict S3 front, which refuses an unknown key and an expired session token as S3 does.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class RoleCredentialsTests(ExtensionBinaryFixture extension)
{
    [Fact]
    public async Task SnapStart_TheArchiveSignsWithTheEndpointsCredentials_AndTheClonesNewOnesAfterTheRestore()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        var output = new List<string>();
        // The test's environment names S3's own keys: an environment initialised for SnapStart gets none, whatever it says.
        await using var sandbox = await SnapStartAsync(s3, loki, output, options => options with { InitLines = [$"{run} init line"] });
        FrontStats atRestore = await s3.StatsAsync();
        for (int i = 1; i <= 2; i++)
        {
            await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order {i} loaded")]));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();
        FrontStats after = await s3.StatsAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Empty(after.Refusals);
        IReadOnlyList<string> handed = sandbox.CredentialsHanded;
        Assert.True(handed.Count >= 2, $"new credentials after the restore: {string.Join(", ", handed)}\n{string.Join("\n", output)}");
        string snapshotKey = handed[0];
        Assert.True(atRestore.SignedBy.Count > 0, $"nothing archived before the snapshot:\n{string.Join("\n", output)}");
        Assert.All(atRestore.SignedBy.Values, key => Assert.Equal(snapshotKey, key));
        var afterRestore = after.SignedBy.Where(o => !atRestore.SignedBy.ContainsKey(o.Key)).ToList();
        Assert.NotEmpty(afterRestore);
        Assert.All(afterRestore, o => Assert.True(o.Value != snapshotKey && handed.Contains(o.Value), $"{o.Key} signed with {o.Value}"));
        var archived = ArchivedEntry.Of(s3.Objects());
        Assert.Single(archived, e => e.Line.EndsWith($"{run} init line", StringComparison.Ordinal));
        Assert.Single(archived, e => e.Line.EndsWith($"{run} order 2 loaded", StringComparison.Ordinal));
        NoCredentialIn(output);
    }

    [Fact]
    public async Task CredentialsThatExpireDuringARun_AreRenewedBeforeTheyExpire_AndNothingIsRefused()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        var output = new List<string>();
        await using var sandbox = await SnapStartAsync(s3, loki, output, options => options with { CredentialsValidFor = TimeSpan.FromSeconds(6) });
        // Ten seconds of invocations: the credentials of the restore expire on the way.
        for (int i = 1; i <= 10; i++)
        {
            await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order {i} loaded")]));
            await Task.Delay(1000);
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();
        FrontStats stats = await s3.StatsAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.Empty(stats.Refusals); // no ExpiredToken: renewed before the expiry, never signed with expired ones
        Assert.True(sandbox.CredentialsHanded.Count >= 4, $"renewed during the run: {sandbox.CredentialsHanded.Count} credentials handed");
        var archived = ArchivedEntry.Of(s3.Objects());
        for (int i = 1; i <= 10; i++)
        {
            Assert.Single(archived, e => e.Line.EndsWith($"{run} order {i} loaded", StringComparison.Ordinal));
        }
        NoCredentialIn(output);
    }

    [Fact]
    public async Task CredentialsS3Refuses_AreAskedForAgainOnce_AndTheWriteGoesThroughOnItsRetry()
    {
        await using var s3 = await S3Front.StartAsync();
        await using var loki = LokiReceiver.Start();
        string run = Guid.NewGuid().ToString("N")[..8];
        var output = new List<string>();
        await using var sandbox = await SnapStartAsync(s3, loki, output, options => options);
        await sandbox.InvokeAsync(new Invocation($"00000001-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order 1 loaded")]));
        int answersBefore = sandbox.CredentialsAnswers;
        await s3.FaultAsync(403, 1); // the next write is refused as if the credentials were no good
        await sandbox.InvokeAsync(new Invocation($"00000002-0000-4000-8000-{run}0000", [new TelemetryLine.Text($"{run} order 2 loaded")]));
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Equal(0, shutdown.ExitCode);
        Assert.Equal(1, (await s3.StatsAsync()).Faulted);
        Assert.Single(output, line => line.Contains("AWS refused the credentials", StringComparison.Ordinal));
        Assert.True(sandbox.CredentialsAnswers > answersBefore, "new credentials were asked for after the refusal");
        var archived = ArchivedEntry.Of(s3.Objects());
        Assert.Single(archived, e => e.Line.EndsWith($"{run} order 1 loaded", StringComparison.Ordinal));
        Assert.Single(archived, e => e.Line.EndsWith($"{run} order 2 loaded", StringComparison.Ordinal));
        NoCredentialIn(output);
    }

    /// <summary>A SnapStart sandbox archiving everything to <paramref name="s3"/>, its output collected in <paramref name="output"/>.</summary>
    private Task<LambdaSandbox> SnapStartAsync(S3Front s3, LokiReceiver loki, List<string> output, Func<SandboxOptions, SandboxOptions> adjust) =>
        LambdaSandbox.StartAsync(adjust(extension.Options(loki.BaseUrl, SnapStartArchive.Environment(s3)) with
        {
            Model = EmulatedModel.SnapStart,
            OnOutput = line => { lock (output) { output.Add(line); } },
        }));

    /// <summary>No secret key, session token or endpoint token in anything the extension printed.</summary>
    internal static void NoCredentialIn(IEnumerable<string> output)
    {
        string all = string.Join("\n", output);
        Assert.DoesNotContain("secret-of-", all);
        Assert.DoesNotContain("expires=", all);
        Assert.DoesNotContain("emulated-", all);
        Assert.DoesNotContain(S3Front.SecretAccessKey + "\"", all);
    }
}
