using System.Text;
using LokiLambdaExtension.Tools.Receiver.Proto;

namespace LokiLambdaExtension.Properties;

/// <summary>What a string becomes after a trip through UTF-8: lone surrogates turn into U+FFFD.</summary>
internal static class Utf8
{
    public static string RoundTrip(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}

/// <summary>Decodes with Google.Protobuf's generated types, which share nothing with the project's encoder.</summary>
internal static class Decoded
{
    public static PushRequest Parse(ReadOnlySpan<byte> bytes) => PushRequest.Parser.ParseFrom(bytes);

    public static long UnixNanos(EntryAdapter entry) => entry.Timestamp.Seconds * 1_000_000_000L + entry.Timestamp.Nanos;

    /// <summary>What the decoded request should hold: one stream per kind in a fixed order, entries in input order.</summary>
    public static IEnumerable<(StreamKind Stream, IReadOnlyList<LogEntry> Entries)> Expected(LogEntry[] entries) =>
        new[] { StreamKind.Function, StreamKind.Platform, StreamKind.Extension }
            .Select(kind => (kind, (IReadOnlyList<LogEntry>)entries.Where(e => e.Stream == kind).ToList()))
            .Where(s => s.Item2.Count > 0);
}
