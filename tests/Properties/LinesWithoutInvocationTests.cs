using System.Text;

namespace LokiLambdaExtension.Properties;

/// <summary>Lines that name their request when no platform.start said where the invocation began (a subscription
/// without "platform"): each keeps its own request id and level, whichever request came before it.</summary>
public sealed class LinesWithoutInvocationTests
{
    [Fact]
    public void Entries_InterleavedRequestsWithoutContext_CarryTheirOwnRequestIdAndLevel()
    {
        const string a = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", b = "11111111-2222-4333-8444-555555555555";
        (string Id, string Level)[] lines = [(a, "INFO"), (a, "ERROR"), (b, "INFO"), (a, "WARN"), (b, "DEBUG")];
        string body = "[" + string.Join(",", lines.Select((l, i) =>
            $$"""{"time":"2026-11-25T10:00:00.00{{i}}Z","type":"function","record":"2026-11-25T10:00:00.00{{i}}Z\t{{l.Id}}\t{{l.Level}}\tline {{i}}\n"}""")) + "]";
        var shaping = new EntryShaping(LineLimit.DefaultMaxBytes, "7", "stream");

        RecentRequests recentRequests = RecentRequests.None;
        var entries = TelemetryBodyParser.Parse(Encoding.UTF8.GetBytes(body), 0, new LineArena()).Records
            .Select(r => LogEntries.From(in r, shaping, context: null, ref recentRequests)).ToList();

        for (int i = 0; i < lines.Length; i++)
        {
            var expected = shaping.ForLine(lines[i].Id, null, LogLevels.Parse(lines[i].Level));
            Assert.Equal(expected, entries[i].Metadata);
            Assert.Equal($"2026-11-25T10:00:00.00{i}Z\t{lines[i].Id}\t{lines[i].Level}\tline {i}", entries[i].Line.ToString());
        }
    }
}
