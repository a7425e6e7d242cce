using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.EndToEnd.Archive;

/// <summary>An entry of an archived object, decoded as Loki would decode the object pushed to it (snappy, then
/// the protobuf PushRequest, with types generated from Loki's push.proto: independent of the extension's encoder).</summary>
internal sealed record ArchivedEntry(string Key, string Labels, long UnixNanos, string Line, IReadOnlyDictionary<string, string> Metadata)
{
    public static List<ArchivedEntry> Of(IReadOnlyDictionary<string, byte[]> objects) =>
    [
        .. objects.SelectMany(o => PushRequest.Parser.ParseFrom(Snappy.DecompressToArray(o.Value)).Streams.SelectMany(s => s.Entries.Select(e =>
            new ArchivedEntry(o.Key, s.Labels, e.Timestamp.Seconds * 1_000_000_000 + e.Timestamp.Nanos, e.Line,
                e.StructuredMetadata.ToDictionary(p => p.Name, p => p.Value))))),
    ];
}
