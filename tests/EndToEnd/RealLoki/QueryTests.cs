using System.Globalization;
using System.Text.Json;

namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>The labels, structured metadata and LogQL queries docs/loki-payload.md and the Grafana dashboard advertise, run
/// through a real Loki's query API on what one sandbox shipped.</summary>
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

    /// <summary>The Grafana dashboard (deploy/grafana/lambda-logs.json): after a run with errors, a timeout, a cold start,
    /// a stack trace printed line by line and a loss report, every query of every panel runs through Loki's query API
    /// without error and returns data. A panel changed into a query Loki rejects fails here.</summary>
    [RealLokiFact]
    public async Task EveryPanelsQuery_RunsInLoki_AndAnswersWithData()
    {
        var loki = RealLoki.FromEnvironment();
        string service = $"dashboard-{Guid.NewGuid():N}"[..22];
        string[] trace = ["java.lang.IllegalStateException: order 4711 has no items", "\tat com.example.Handler.validate(Handler.java:42)",
            "\tat com.example.Handler.handleRequest(Handler.java:17)"];
        SandboxRun run = await SandboxRun.PlayAsync(extension, loki.BaseUrl, service,
        [
            new Invocation("0000000d-0000-4000-8000-000000000001",
            [
                new TelemetryLine.Text("order accepted"),
                .. trace.Select(line => new TelemetryLine.Raw("function", JsonSerializer.Serialize(line + "\n"))),
                new TelemetryLine.Raw("platform.logsDropped", """{"reason":"Some logs were dropped","droppedRecords":3,"droppedBytes":300}"""),
            ]),
            new Invocation("0000000d-0000-4000-8000-000000000002", [new TelemetryLine.Text("payment declined", "ERROR")]) { Outcome = InvocationOutcome.Error },
            new Invocation("0000000d-0000-4000-8000-000000000003", [new TelemetryLine.Text("slow call")]) { Outcome = InvocationOutcome.Timeout, TimeoutMs = 400 },
        ]);
        Assert.Equal(0, run.Shutdown.ExitCode);

        // The trace printed a line a record arrived as one entry, at level error.
        var joined = await loki.QueryAsync($$"""{service_name="{{service}}", source="function"} |= "IllegalStateException" """);
        Assert.Equal(string.Join("\n", trace), Assert.Single(joined).Line);
        Assert.Equal("error", joined[0].Metadata["level"]);

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExtensionBinary.RepositoryRoot(), "deploy", "grafana", "lambda-logs.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target => (
                Panel: panel.GetProperty("title").GetString()!,
                Logs: panel.GetProperty("type").GetString() == "logs",
                Expr: target.GetProperty("expr").GetString()!
                    .Replace("$service_name", service, StringComparison.Ordinal)
                    .Replace("$function_name", ".+", StringComparison.Ordinal)
                    .Replace("$__auto", "10m", StringComparison.Ordinal))))
            .ToList();
        Assert.True(queries.Count >= 10, $"{queries.Count} queries in the dashboard");
        foreach (var (panel, logs, expr) in queries)
        {
            int answers = logs ? (await loki.QueryAsync(expr)).Count : (await loki.MetricAsync(expr)).Count;
            Assert.True(answers > 0, $"panel '{panel}': no data from {expr}");
        }
    }
}
