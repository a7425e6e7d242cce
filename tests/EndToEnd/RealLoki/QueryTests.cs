using System.Globalization;

namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>The labels, structured metadata and LogQL queries the README advertises, run through a real Loki's query
/// API on what one sandbox shipped.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class QueryTests(ExtensionBinaryFixture extension)
{
    [RealLokiFact]
    public async Task TheReadmesQueries_AnswerWithWhatTheSandboxLogged()
    {
        var loki = RealLoki.FromEnvironment();
        string service = $"query-{Guid.NewGuid():N}"[..18];
        const string Failed = "0000000c-0000-4000-8000-000000000002";
        SandboxRun run = await SandboxRun.PlayAsync(extension, loki.BaseUrl, service,
        [
            new Invocation("0000000c-0000-4000-8000-000000000001", [new TelemetryLine.Text("order accepted"), new TelemetryLine.Json("order stored")]),
            new Invocation(Failed, [new TelemetryLine.Text("payment declined", "ERROR"), new TelemetryLine.Json("card expired", "ERROR")])
            {
                Outcome = InvocationOutcome.Error,
            },
            new Invocation("0000000c-0000-4000-8000-000000000003", [new TelemetryLine.Text("slow call")]) { Outcome = InvocationOutcome.Timeout, TimeoutMs = 400 },
        ]);
        Assert.Equal(0, run.Shutdown.ExitCode);
        string function = $$"""{service_name="{{service}}", source="function"}""";
        string platform = $$"""{service_name="{{service}}", source="platform"}""";

        var all = await loki.QueryAsync($$"""{service_name="{{service}}"}""");
        Assert.Equal(run.Summary("sent"), all.Count);
        Assert.All(all, e =>
        {
            Assert.Equal("orders-api", e.Labels["function_name"]);
            Assert.Equal("eu-west-1", e.Labels["cloud_region"]);
            Assert.Equal("$LATEST", e.Metadata["function_version"]);
        });
        // A text line's entry keeps its record's millisecond (the line starts with it).
        StoredEntry accepted = Assert.Single(all, e => e.Line.EndsWith("order accepted", StringComparison.Ordinal));
        var printedAt = DateTimeOffset.Parse(accepted.Line[..accepted.Line.IndexOf('\t')], CultureInfo.InvariantCulture);
        Assert.Equal(printedAt.ToUnixTimeMilliseconds(), accepted.UnixNanos / 1_000_000);

        var errors = await loki.QueryAsync($"{function} | level=\"error\"");
        Assert.Equal(2, errors.Count);
        Assert.Equal(2, (await loki.QueryAsync($"{function} | detected_level=\"error\"")).Count);
        var ofRequest = await loki.QueryAsync($"{{service_name=\"{service}\"}} | request_id=\"{Failed}\"");
        Assert.Contains(ofRequest, e => e.Line.EndsWith("payment declined", StringComparison.Ordinal));
        Assert.Contains(ofRequest, e => e.Line.StartsWith($"START RequestId: {Failed}", StringComparison.Ordinal));
        Assert.Contains(ofRequest, e => e.Line.StartsWith($"REPORT RequestId: {Failed}", StringComparison.Ordinal));
        Assert.DoesNotContain(ofRequest, e => e.Line.Contains("order accepted", StringComparison.Ordinal));

        Assert.Equal(3, (await loki.QueryAsync($"{platform} | type=\"platform.report\" | billed_duration_ms > 0")).Count);
        Assert.Single(await loki.QueryAsync($"{platform} | type=\"platform.report\" | init_duration_ms != \"\""));
        Assert.Single(await loki.QueryAsync($"{platform} | type=\"platform.report\" | status=\"timeout\""));
        var p95 = await loki.MetricAsync($"quantile_over_time(0.95, {platform} | type=\"platform.report\" | unwrap billed_duration_ms [5m])");
        Assert.NotEmpty(p95);
        Assert.All(p95, v => Assert.True(v > 0, $"p95 billed duration {v}"));
    }
}
