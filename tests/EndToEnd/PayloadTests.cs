using System.Globalization;

namespace LokiLambdaExtension.EndToEnd;

[Collection(ExtensionCollection.Name)]
public sealed class PayloadTests(ExtensionBinaryFixture extension)
{
    private const string TraceRoot = "1-62e900b2-710d76f009d6e7785905449a";

    [Fact]
    public async Task Invocations_ArriveWithTheLabelAndMetadataContract()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl,
            ("LOKI_LABELS", "env=prod, team=payments, bad-name=x, source=spoofed"),
            ("LOKI_SERVICE_NAME", "checkout"),
            ("AWS_LAMBDA_FUNCTION_VERSION", "42")));

        InvocationResult first = await sandbox.InvokeAsync(new Invocation("11111111-2222-4333-8444-555555555555",
        [
            new TelemetryLine.Text("text line", "WARN"),
            new TelemetryLine.Json("json line", "ERROR"),
        ]));
        InvocationResult second = await sandbox.InvokeAsync(new Invocation("66666666-7777-4888-8999-aaaaaaaaaaaa",
            [new TelemetryLine.Text("second invocation")]) { Outcome = InvocationOutcome.Timeout, TimeoutMs = 600 });
        await sandbox.ShutdownAsync();

        var entries = loki.Entries;
        Assert.All(entries, e =>
        {
            Assert.Equal("checkout", e.LabelMap["service_name"]);
            Assert.Equal("orders-api", e.LabelMap["function_name"]);
            Assert.Equal("eu-west-1", e.LabelMap["cloud_region"]);
            Assert.Equal(("prod", "payments"), (e.LabelMap["env"], e.LabelMap["team"]));
            Assert.Equal(6, e.LabelMap.Count);
            Assert.Equal("42", e.MetadataValue("function_version"));
            Assert.Equal("2026/11/25/[$LATEST]8f5a2c3e4b6d4e0f9a1b2c3d4e5f6a7b", e.MetadataValue("log_stream"));
        });
        Assert.Equal(2, entries.Select(e => e.Labels).Distinct().Count());
        Assert.Contains(sandbox.Output, l => l.Contains("LOKI_LABELS entry 'bad-name=x' has an invalid label name"));
        Assert.Contains(sandbox.Output, l => l.Contains("LOKI_LABELS entry 'source=spoofed' sets 'source'"));

        ReceivedEntry text = Assert.Single(entries, e => e.Line.EndsWith("\ttext line", StringComparison.Ordinal));
        Assert.Equal((first.RequestId, TraceRoot, "warn"), (text.MetadataValue("request_id"), text.MetadataValue("trace_id"), text.MetadataValue("level")));
        ReceivedEntry json = Assert.Single(entries, e => e.Line.Contains("\"message\":\"json line\""));
        Assert.Equal((first.RequestId, "error"), (json.MetadataValue("request_id"), json.MetadataValue("level")));
        Assert.StartsWith("{\"timestamp\":", json.Line);

        ReceivedEntry start = Assert.Single(entries, e => e.Line == $"START RequestId: {first.RequestId} Version: $LATEST");
        Assert.Equal(("platform.start", "platform"), (start.MetadataValue("type"), start.LabelMap["source"]));

        ReceivedEntry coldReport = Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {first.RequestId}\tDuration: ", StringComparison.Ordinal));
        Assert.Matches(@"\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms" +
                      @"\nXRAY TraceId: 1-62e900b2-710d76f009d6e7785905449a\tSegmentId: 0efbd19962d95b05\tSampled: true$", coldReport.Line);
        Assert.Equal("256", coldReport.MetadataValue("memory_size_mb"));
        Assert.True(double.Parse(coldReport.MetadataValue("billed_duration_ms")!, CultureInfo.InvariantCulture) > 0);
        Assert.NotNull(coldReport.MetadataValue("init_duration_ms"));
        Assert.Equal("success", coldReport.MetadataValue("status"));

        ReceivedEntry timeoutReport = Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {second.RequestId}\t", StringComparison.Ordinal));
        Assert.Contains("\tStatus: timeout\tError Type: Sandbox.Timedout\nXRAY TraceId: ", timeoutReport.Line);
        Assert.Equal(("timeout", "Sandbox.Timedout"), (timeoutReport.MetadataValue("status"), timeoutReport.MetadataValue("error_type")));
        Assert.Null(timeoutReport.MetadataValue("init_duration_ms"));

        ReceivedEntry initStart = Assert.Single(entries, e => e.Line.StartsWith("INIT_START Runtime Version: nodejs:22.v40", StringComparison.Ordinal));
        Assert.Null(initStart.MetadataValue("request_id"));
        Assert.All(entries.Where(e => e.LabelMap["source"] == "function"), e => Assert.NotNull(e.MetadataValue("request_id")));
    }

    [Fact]
    public async Task IdenticalLinesInOneMillisecond_BothSurvive_AndHugeLinesAreCutNotRejected()
    {
        await using var loki = LokiReceiver.Start(new ReceiverOptions { MaxLineBytes = 4096 });
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_MAX_LINE_BYTES", "4096")));
        const string same = "\"2026-11-25T10:00:00.000Z\\tcafe0000-0000-4000-8000-000000000000\\tINFO\\tthe same line\\n\"";
        string huge = System.Text.Json.JsonSerializer.Serialize(new string('é', 300_000) + "\n");
        DateTimeOffset sameInstant = DateTimeOffset.UtcNow;

        await sandbox.InvokeAsync(new Invocation("cafe0000-0000-4000-8000-000000000000",
        [
            new TelemetryLine.Raw("function", same, sameInstant),
            new TelemetryLine.Raw("function", same, sameInstant),
            new TelemetryLine.Raw("function", huge),
        ]));
        await sandbox.ShutdownAsync();

        Assert.All(loki.Pushes, p => Assert.Equal(204, p.Status));
        NothingSentTwice.Check(loki, sandbox);
        var twins = loki.Entries.Where(e => e.Line.EndsWith("\tthe same line", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, twins.Count);
        Assert.Equal(twins[0].UnixNanos + 1, twins[1].UnixNanos);
        ReceivedEntry cut = Assert.Single(loki.Entries, e => e.Line.StartsWith("éé", StringComparison.Ordinal));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(cut.Line), 4000, 4096);
        Assert.Matches(@" … \[\d+ bytes truncated\]$", cut.Line);
    }
}
