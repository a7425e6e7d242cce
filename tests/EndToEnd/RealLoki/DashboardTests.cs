using System.Text.Json;

namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>The Grafana dashboard (deploy/grafana/lambda-logs.json) against a real Loki: after a run with errors, a
/// timeout, a cold start, a stack trace printed line by line and a loss report, every query of every panel runs
/// through Loki's query API without error and returns data. A panel changed into a query Loki rejects fails here.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class DashboardTests(ExtensionBinaryFixture extension)
{
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
