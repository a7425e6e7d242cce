using System.Globalization;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Loss accounting where users look: whenever lines are dropped or rejected, or the platform reports it
/// dropped records, an entry in the <c>source="extension"</c> stream says how many lines and bytes, and why.</summary>
internal static class LossReport
{
    public static LogEntry Entry(long nowMs, long lines, long bytes, string reason, string cause) => new(
        nowMs * 1_000_000,
        $"loki-lambda-extension: {lines} lines ({bytes} bytes) {reason}",
        StreamKind.Extension,
        new MetadataPairs([
            new("type", "loss"),
            new("cause", cause),
            new("lines", lines.ToString(CultureInfo.InvariantCulture)),
            new("bytes", bytes.ToString(CultureInfo.InvariantCulture)),
        ]));

    /// <summary>The order lines are shed in when both caps are full: debug and trace first, then info and lines of
    /// unknown level, then warnings; errors and platform lines (START, END, REPORT) last.</summary>
    public static int SheddingRank(in LogEntry entry)
    {
        if (entry.Stream == StreamKind.Platform)
        {
            return 4;
        }
        foreach (MetadataPair pair in entry.Metadata.Span)
        {
            if (pair.Name == "level")
            {
                return pair.Value switch
                {
                    "trace" or "debug" => 0,
                    "info" => 1,
                    "warn" => 2,
                    _ => 3,
                };
            }
            if (pair.Name == "type" && pair.Value == "loss")
            {
                return 4;
            }
        }
        return 1;
    }
}
