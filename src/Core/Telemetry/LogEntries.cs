using LokiLambdaExtension.Core.Loki;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Maps telemetry records to the entries Loki stores: which stream, which line, which time.</summary>
public static class LogEntries
{
    public static LogEntry From(in TelemetryRecord record) => record.Kind switch
    {
        TelemetryKind.Function => new LogEntry(record.UnixNanos, LogLine(in record), StreamKind.Function),
        TelemetryKind.Extension => new LogEntry(record.UnixNanos, LogLine(in record), StreamKind.Extension),
        _ => new LogEntry(record.UnixNanos, PlatformLine.For(in record), StreamKind.Platform),
    };

    /// <summary>A text record is the line; a JSON-format record is shipped as its compact JSON, so LogQL's
    /// <c>| json</c> works on it.</summary>
    private static string LogLine(in TelemetryRecord record) => record.Text ?? record.Json ?? "";
}
