using System.Globalization;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>What Loki's ingester does with a stream's entries once the distributor validated them (loki@v3.4.6
/// pkg/ingester/stream.go, instance.go), checked against the real Loki by the real-Loki suite:
/// <list type="bullet">
/// <item>an entry whose timestamp and line equal one already in the stream is dropped silently (a 2xx);</item>
/// <item>an entry older than the stream's newest by more than half the max chunk age (1 h) is refused as "too far
/// behind", and the stream's answer counts them: "total ignored: N out of M for stream: {…}";</item>
/// <item>a push of several streams is answered with the <em>last</em> stream's error only: a refused stream beside an
/// accepted one can be answered 204.</item>
/// </list></summary>
internal sealed class IngesterStreams(TimeSpan outOfOrderWindow)
{
    private readonly Dictionary<string, (long Newest, HashSet<(long, string)> Seen)> _streams = [];

    public int DuplicatesDropped { get; private set; }

    /// <summary>Appends a stream's entries (in the push's order), returning those kept and the stream's error, if any.
    /// The caller holds the receiver's lock.</summary>
    public (List<ReceivedEntry> Kept, int Refused, string? Error) Append(string labels, IReadOnlyList<ReceivedEntry> entries)
    {
        if (!_streams.TryGetValue(labels, out var stream))
        {
            stream = (long.MinValue, []);
        }
        var kept = new List<ReceivedEntry>();
        var refused = new List<string>();
        long window = (long)outOfOrderWindow.TotalMilliseconds * 1_000_000;
        foreach (ReceivedEntry entry in entries)
        {
            if (stream.Newest != long.MinValue && entry.UnixNanos < stream.Newest - window)
            {
                refused.Add($"entry with timestamp {Time(entry.UnixNanos)} ignored, reason: 'entry too far behind, entry timestamp is: " +
                            $"{Time(entry.UnixNanos)}, oldest acceptable timestamp is: {Time(stream.Newest - window)}',");
                continue;
            }
            if (!stream.Seen.Add((entry.UnixNanos, entry.Line)))
            {
                DuplicatesDropped++;
                continue;
            }
            stream.Newest = Math.Max(stream.Newest, entry.UnixNanos);
            kept.Add(entry);
        }
        _streams[labels] = stream;
        string? error = refused.Count == 0 ? null
            : string.Join("\n", refused.Take(10)) + $"\nuser 'fake', total ignored: {refused.Count} out of {entries.Count} for stream: {labels}";
        return (kept, refused.Count, error);
    }

    private static string Time(long unixNanos) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
