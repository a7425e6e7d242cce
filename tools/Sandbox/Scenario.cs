using LokiLambdaExtension.Tools.LambdaEmulator;

namespace LokiLambdaExtension.Tools.Sandbox;

/// <summary>The default scenario: a cold start, then invocations in the text and JSON log formats, one that fails (a
/// Java stack trace printed to stdout, a record a line), one with a Python traceback printed the same way, and one that
/// times out. The traces arrive in Loki as one entry each (LOKI_MULTILINE=auto).</summary>
internal static class Scenario
{
    public static IEnumerable<Invocation> Default(int invocations)
    {
        for (int i = 1; i <= invocations; i++)
        {
            string requestId = $"{i:x8}-49c9-448d-89b8-7ca3e6dc66aa";
            bool json = i % 2 == 0;
            TelemetryLine Line(string message, string level = "INFO") =>
                json ? new TelemetryLine.Json(message, level) : new TelemetryLine.Text(message, level);
            var lines = new List<TelemetryLine>
            {
                Line($"loading order {4700 + i}"),
                Line($"charging card for order {4700 + i}", "DEBUG"),
            };
            var outcome = InvocationOutcome.Success;
            if (i == 3)
            {
                lines.Add(Line("""Invoke Error {"errorType":"TypeError","errorMessage":"x is undefined"}""", "ERROR"));
                lines.AddRange(Printed(
                    "java.lang.IllegalStateException: order 4703 has no items",
                    "\tat com.example.orders.Handler.validate(Handler.java:42)",
                    "\tat com.example.orders.Handler.handleRequest(Handler.java:17)",
                    "Caused by: java.lang.NullPointerException: items",
                    "\t... 2 more"));
                outcome = InvocationOutcome.Error;
            }
            if (i == 2)
            {
                lines.AddRange(Printed(
                    "Traceback (most recent call last):",
                    "  File \"/var/task/app.py\", line 12, in handler",
                    "    total = order[\"amount\"] / order[\"count\"]",
                    "ZeroDivisionError: division by zero"));
            }
            if (i == invocations && invocations >= 4)
            {
                lines.Add(Line("waiting for the payment gateway", "WARN"));
                outcome = InvocationOutcome.Timeout;
            }
            lines.Add(Line($"order {4700 + i} done"));
            yield return new Invocation(requestId, lines)
            {
                Outcome = outcome,
                TimeoutMs = outcome == InvocationOutcome.Timeout ? 800 : 3000,
                RuntimeDurationMs = 20,
            };
        }
    }

    /// <summary>Lines a runtime writes to stdout: one record each, with no prefix (Python's print, Java's printStackTrace).</summary>
    private static IEnumerable<TelemetryLine> Printed(params string[] lines) =>
        lines.Select(line => (TelemetryLine)new TelemetryLine.Raw("function", System.Text.Json.JsonSerializer.Serialize(line + "\n")));

    /// <summary>A file of Telemetry API bodies (a JSON array of arrays, or one array) replayed as one invocation each:
    /// each body's records are delivered as they are, inside an invocation of their own.</summary>
    public static IEnumerable<Invocation> Replay(string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var bodies = root.EnumerateArray().All(e => e.ValueKind == System.Text.Json.JsonValueKind.Array)
            ? root.EnumerateArray().ToList()
            : [root];
        int index = 0;
        foreach (var body in bodies)
        {
            index++;
            var lines = body.EnumerateArray()
                .Select(record => (TelemetryLine)new TelemetryLine.Raw(
                    record.GetProperty("type").GetString() ?? "function",
                    record.GetProperty("record").GetRawText()))
                .ToList();
            yield return new Invocation($"replay-{index:D4}-0000-0000-000000000000", lines) { RuntimeDurationMs = 20 };
        }
    }
}
