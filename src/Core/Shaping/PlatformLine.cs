using System.Globalization;
using System.Text;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Platform records as the lines CloudWatch users already know (START / END / REPORT / INIT_START), so that
/// saved queries and habits carry over; any other type is shipped as the compact JSON of its record.</summary>
internal static class PlatformLine
{
    public static Utf8Line For(in TelemetryRecord record) =>
        CloudWatchLine(in record) is { } line ? Utf8Line.From(line) : record.Json ?? record.Text ?? Utf8Line.From("{}");

    private static string? CloudWatchLine(in TelemetryRecord record)
    {
        RecordFields f = record.Fields;
        return record.Kind switch
        {
            TelemetryKind.Start => $"START RequestId: {f.RequestId} Version: {f.Version ?? "$LATEST"}",
            TelemetryKind.RuntimeDone or TelemetryKind.End => $"END RequestId: {f.RequestId}",
            TelemetryKind.Report => Report(f),
            TelemetryKind.InitStart => InitStart(f),
            TelemetryKind.LogsDropped =>
                $"WARNING Lambda dropped {f.DroppedRecords ?? 0} log records ({f.DroppedBytes ?? 0} bytes): {f.Reason}",
            _ => null,
        };
    }

    private static string Report(RecordFields f)
    {
        var line = new StringBuilder("REPORT RequestId: ").Append(f.RequestId);
        Append(line, "Duration", f.DurationMs, "F2", "ms");
        Append(line, "Billed Duration", f.BilledDurationMs, "F0", "ms");
        Append(line, "Memory Size", f.MemorySizeMb, "F0", "MB");
        Append(line, "Max Memory Used", f.MaxMemoryUsedMb, "F0", "MB");
        Append(line, "Init Duration", f.InitDurationMs, "F2", "ms");
        Append(line, "Restore Duration", f.RestoreDurationMs, "F2", "ms");
        if (f.Status is { } status && status != "success")
        {
            line.Append("\tStatus: ").Append(status);
            if (f.ErrorType is { } errorType)
            {
                line.Append("\tError Type: ").Append(errorType);
            }
        }
        return line.ToString();
    }

    private static string InitStart(RecordFields f)
    {
        var line = new StringBuilder("INIT_START Runtime Version: ").Append(f.RuntimeVersion);
        if (f.RuntimeVersionArn is { } arn)
        {
            line.Append("\tRuntime Version ARN: ").Append(arn);
        }
        return line.ToString();
    }

    private static void Append(StringBuilder line, string name, double? value, string format, string unit)
    {
        if (value is { } v)
        {
            line.Append('\t').Append(name).Append(": ").Append(v.ToString(format, CultureInfo.InvariantCulture)).Append(' ').Append(unit);
        }
    }
}
