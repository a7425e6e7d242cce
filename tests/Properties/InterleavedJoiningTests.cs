namespace LokiLambdaExtension.Properties;

/// <summary>Joining never crosses requests: where the records of concurrent requests interleave, no line joins another.</summary>
public sealed class InterleavedJoiningTests
{
    [Theory]
    [InlineData("lambda-managed-instances", false)]
    [InlineData("on-demand", true)]
    [InlineData("snap-start", true)]
    public void StackTraces_AreJoinedOnlyWhereRequestsDoNotInterleave(string model, bool joins)
    {
        var (config, _) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "http://127.0.0.1:3100",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = model,
        });
        // Two requests' tracebacks, line by line, interleaved as the RIE's separate stdout and stderr readers deliver them.
        System.Collections.Immutable.ImmutableArray<TelemetryRecord> records = [.. new[]
        {
            "Traceback (most recent call last):", "Traceback (most recent call last):",
            "  File \"/var/task/app.py\", line 3, in handler", "  File \"/var/task/app.py\", line 9, in other",
        }.Select(line => new TelemetryRecord(0, "function", TelemetryKind.Function, Utf8Line.From(line), null, RecordFields.None))];

        Assert.Equal(joins, config.Shaping.JoinsStackTraces);
        // On-demand one request runs at a time, and these would be one entry; interleaved, they stay four lines.
        Assert.Equal(joins ? 1 : 4, config.Shaping.Joined(records).Length);
    }
}
