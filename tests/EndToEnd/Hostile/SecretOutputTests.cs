namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary>No value that may be a secret is printed, by <c>--check</c> or at start-up: user info and queries of URLs,
/// scheme-less <c>user:pass@host</c>, misspelled variables, <c>LOKI_USERNAME</c>, header entries that are not Name=value.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class SecretOutputTests(ExtensionBinaryFixture extension)
{
    private const string Secret = "Sup3rS3cret";

    [Fact]
    public async Task Check_SecretsInEveryPlaceAUserMightPutThem_AreNeverPrinted()
    {
        await using var loki = LokiReceiver.Start();

        var (code, output) = await ExtensionBinary.RunAsync(extension.Path, ["--check"], new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = $"{loki.BaseUrl}?api_key={Secret}-query",
            ["LOKI_AUTH_TOKN"] = $"{Secret}-misspelled",
            ["LOKI_USERNAME"] = $"{Secret}-user",
            ["LOKI_HEADERS"] = $"Authorization: Basic {Secret}-header=,X-Ok=fine",
            ["LOKI_ARCHIVE_S3_ENDPOINT"] = $"http://key:{Secret}-endpoint@127.0.0.1:9000",
        }, TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(Secret, output);
        Assert.Contains("LOKI_AUTH_TOKN = (not a variable this extension reads: did you mean LOKI_AUTH_TOKEN?; value not shown)", output);
        Assert.Contains($"LOKI_PUSH_URL = {loki.BaseUrl}?…", output);
        Assert.Contains("LOKI_HEADERS entry 1 has an invalid header name; skipped", output);
        Assert.Contains($"POST {loki.BaseUrl}loki/api/v1/push?… -> HTTP 204", output);
        Assert.Equal(0, code);
    }

    [Theory]
    [InlineData("http://user:{0}@127.0.0.1:9/")]
    [InlineData("user:{0}@127.0.0.1")]
    [InlineData("{1}?token={0}#{0}")]
    public async Task StartUp_AnUrlCarryingASecret_IsNeverPrinted(string url)
    {
        await using var loki = LokiReceiver.Start();
        loki.EnqueueFaults(new Fault.Status(503, "a failure the extension tells, naming where it pushes"));
        var options = extension.Options(loki.BaseUrl) with
        {
            Environment = new Dictionary<string, string>(extension.Options(loki.BaseUrl).Environment)
            {
                ["LOKI_PUSH_URL"] = string.Format(url, Secret, loki.BaseUrl),
                ["LOKI_USERNAME"] = Secret + ":x",
            },
        };
        await using var sandbox = await LambdaSandbox.StartAsync(options);
        await sandbox.InvokeAsync(new Invocation("0000000c-7777-4000-8000-000000000000", [new TelemetryLine.Text("a line")]));
        await sandbox.ShutdownAsync();

        Assert.NotEmpty(sandbox.Output);
        Assert.DoesNotContain(sandbox.Output, l => l.Contains(Secret, StringComparison.Ordinal));
    }
}
