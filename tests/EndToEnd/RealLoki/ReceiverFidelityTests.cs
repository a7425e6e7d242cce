using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>The project's receiver stands in for Loki in the fast tests; where they rely on Loki's behaviour, the
/// same pushes go through both, and both must answer and keep alike.</summary>
public sealed class ReceiverFidelityTests
{
    private static readonly HttpClient Http = new();

    [RealLokiFact]
    public async Task TheSamePushes_ThroughTheReceiverAndTheRealLoki_AreAnsweredAndKeptAlike()
    {
        var loki = RealLoki.FromEnvironment();
        await using var receiver = LokiReceiver.Start();
        string service = $"fidelity-{Guid.NewGuid():N}"[..18];
        string function = $$"""{service_name="{{service}}", source="function"}""";
        string platform = $$"""{service_name="{{service}}", source="platform"}""";
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        long late = now - 2 * 3_600_000_000_000;
        long ancient = now - 8 * 24 * 3_600_000_000_000;
        PushRequest[] pushes =
        [
            Push((function, [(now, "current")])),
            // A refused stream before an accepted one: Loki answers with the last stream's error, here none.
            Push((function, [(late, "late 1"), (late + 1, "late 2"), (now + 5, "fresh")]), (platform, [(now, "platform 1")])),
            // The refused stream last: its error is the answer.
            Push((platform, [(now + 1, "platform 2")]), (function, [(late + 3, "late 3"), (late + 4, "late 4")])),
            // The same timestamp and line again, anywhere in the stream: dropped without a word.
            Push((function, [(now, "current"), (now + 5, "fresh"), (now + 6, "new")])),
            // Older than reject_old_samples_max_age: the distributor's refusal, the valid entries stored.
            Push((function, [(ancient, "ancient 1"), (ancient + 1, "ancient 2"), (now + 7, "newer")]), (platform, [(ancient, "ancient 3")])),
        ];

        foreach (PushRequest push in pushes)
        {
            var (lokiStatus, lokiAnswer) = await SendAsync(loki.BaseUrl, push);
            var (receiverStatus, receiverAnswer) = await SendAsync(receiver.BaseUrl, push);
            Assert.True(lokiStatus == receiverStatus, $"Loki answered {lokiStatus} '{lokiAnswer}', the receiver {receiverStatus} '{receiverAnswer}'");
            Assert.Equal(LokiRefusal.Read(lokiAnswer), LokiRefusal.Read(receiverAnswer));
        }

        var kept = (await loki.QueryAsync($$"""{service_name="{{service}}"}""")).Select(e => (e.UnixNanos, e.Line)).Order().ToList();
        var received = receiver.Entries.Select(e => (e.UnixNanos, e.Line)).Order().ToList();
        Assert.Equal(kept, received);
        Assert.Equal(2, receiver.DuplicatesDropped);
    }

    private static PushRequest Push(params (string Labels, (long UnixNanos, string Line)[] Entries)[] streams)
    {
        var push = new PushRequest();
        foreach (var (labels, entries) in streams)
        {
            var stream = new StreamAdapter { Labels = labels };
            stream.Entries.AddRange(entries.Select(e => new EntryAdapter
            {
                Timestamp = new Timestamp { Seconds = e.UnixNanos / 1_000_000_000, Nanos = (int)(e.UnixNanos % 1_000_000_000) },
                Line = e.Line,
            }));
            push.Streams.Add(stream);
        }
        return push;
    }

    private static async Task<(int Status, string Answer)> SendAsync(Uri baseUrl, PushRequest push)
    {
        using var content = new ByteArrayContent(Snappy.CompressToArray(push.ToByteArray()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using HttpResponseMessage response = await Http.PostAsync(new Uri(baseUrl, "loki/api/v1/push"), content);
        return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }
}
