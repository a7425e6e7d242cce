using System.Text;
using LokiLambdaExtension.Tools.Receiver.Proto;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>What Loki's distributor checks before a push reaches the ingester (loki@v3.4.6 pkg/distributor,
/// pkg/validation): labels, line size, age, structured metadata; and how it words its 400, checked against the real
/// Loki by the real-Loki suite.</summary>
internal sealed class DistributorRules(ReceiverOptions options)
{
    /// <summary>The distributor's 400 text: one error as it is, several grouped as "N errors like: …; M errors like: …".</summary>
    public static string Answer(List<(string Kind, string Text)> errors) => errors.Count == 1
        ? errors[0].Text
        : string.Join("; ", errors.GroupBy(e => e.Kind).Select(g => $"{g.Count()} errors like: {g.First().Text}"));

    public string? ValidateLabels(string labels, out Dictionary<string, string>? labelMap)
    {
        labelMap = null;
        if (!PromLabelParser.TryParse(labels, out var pairs, out string error))
        {
            return $"error parsing labels: {error}";
        }
        pairs.RemoveAll(p => p.Value.Length == 0);
        if (pairs.Count == 0)
        {
            return "error at least one label pair is required per stream";
        }
        if (pairs.Count > options.MaxLabelNames)
        {
            return $"entry has {pairs.Count} label names; limit {options.MaxLabelNames}";
        }
        labelMap = [];
        foreach (var (name, value) in pairs)
        {
            if (!labelMap.TryAdd(name, value))
            {
                return $"duplicate label name {name}";
            }
            if (name.Length > 1024 || Encoding.UTF8.GetByteCount(value) > 2048)
            {
                return $"label {name} is too long";
            }
            if (value.Contains('\uFFFD'))
            {
                return $"label {name} has invalid UTF-8";
            }
        }
        return null;
    }

    /// <summary>The distributor's checks of one entry: null when valid, else its kind and Loki's words for it.</summary>
    public (string Kind, string Text)? ValidateEntry(EntryAdapter entry, long oldestNanos, long newestNanos)
    {
        if (entry.Timestamp is null)
        {
            return ("timestamp", "has no timestamp");
        }
        if (entry.Parsed.Count > 0)
        {
            return ("parsed", "carries 'parsed' labels, which clients must not send");
        }
        int lineBytes = Encoding.UTF8.GetByteCount(entry.Line);
        if (lineBytes > options.MaxLineBytes)
        {
            return ("line", $"exceeds max entry size '{options.MaxLineBytes}' bytes: line of {lineBytes} bytes");
        }
        long unixNanos = entry.Timestamp.Seconds * 1_000_000_000 + entry.Timestamp.Nanos;
        if (unixNanos < oldestNanos)
        {
            return ("old", $"has timestamp too old: {Iso(unixNanos)}, oldest acceptable timestamp is: {Iso(oldestNanos)}");
        }
        if (unixNanos > newestNanos)
        {
            return ("future", $"has timestamp too new: {Iso(unixNanos)}");
        }
        if (entry.StructuredMetadata.Count > options.MaxStructuredMetadataPairs)
        {
            return ("metadata", "has too many structured metadata pairs");
        }
        int metadataBytes = entry.StructuredMetadata.Sum(p => p.Name.Length + p.Value.Length);
        if (metadataBytes > options.MaxStructuredMetadataBytes)
        {
            return ("metadata", "has structured metadata too large");
        }
        return entry.StructuredMetadata.Any(p => p.Name.Length == 0 || p.Value.Length == 0)
            ? ("metadata", "has structured metadata with an empty name or value")
            : null;
    }

    private static string Iso(long unixNanos) => DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
