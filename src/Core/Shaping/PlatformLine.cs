using System.Globalization;
using System.Text;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Platform records as the lines CloudWatch users already know (START, END, REPORT with its XRAY line,
/// INIT_START, INIT_REPORT, RESTORE_START, RESTORE_REPORT, EXTENSION, TELEMETRY; protocols.md §5), so that saved
/// queries and habits carry over; any other type is shipped as the compact JSON of its record.</summary>
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
            TelemetryKind.InitStart => RuntimeVersion("INIT_START", f),
            TelemetryKind.InitReport => Outcome(new StringBuilder("INIT_REPORT Init Duration: ").Append(Milliseconds(f.DurationMs, "F2"))
                .Append("\tPhase: ").Append(f.Phase ?? "init"), f, always: true),
            TelemetryKind.RestoreStart => RuntimeVersion("RESTORE_START", f),
            TelemetryKind.RestoreReport => Outcome(new StringBuilder("RESTORE_REPORT Restore Duration: ").Append(Milliseconds(f.DurationMs, "F2")), f, always: false),
            TelemetryKind.ExtensionState => $"EXTENSION\tName: {f.Name}\tState: {f.State}\tEvents: [{f.Items}]",
            TelemetryKind.TelemetrySubscription => $"TELEMETRY\tName: {f.Name}\tState: {f.State}\tTypes: [{Capitalized(f.Items)}]",
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
        Append(line, "Billed Restore Duration", f.BilledRestoreDurationMs, "F0", "ms");
        Outcome(line, f, always: false);
        return XRay(f.TracingValue, f.SpanId) is { } xray ? line.Append('\n').Append(xray).ToString() : line.ToString();
    }

    /// <summary>The status, when it is not success or <paramref name="always"/>, and the error type when there is one.</summary>
    private static string Outcome(StringBuilder line, RecordFields f, bool always)
    {
        string status = f.Status ?? "success";
        if (always || status != "success")
        {
            line.Append("\tStatus: ").Append(status);
            if (f.ErrorType is { } errorType)
            {
                line.Append("\tError Type: ").Append(errorType);
            }
        }
        return line.ToString();
    }

    /// <summary>CloudWatch's second REPORT line under active tracing, from the record's
    /// <c>Root=…;Parent=…;Sampled=1</c> header and span id.</summary>
    private static string? XRay(string? header, string? spanId)
    {
        if (header is null)
        {
            return null;
        }
        string? root = null, parent = null, sampled = null;
        foreach (string part in header.Split(';'))
        {
            int equals = part.IndexOf('=');
            if (equals > 0)
            {
                string value = part[(equals + 1)..].Trim();
                switch (part[..equals].Trim())
                {
                    case "Root": root = value; break;
                    case "Parent": parent = value; break;
                    case "Sampled": sampled = value; break;
                }
            }
        }
        return root is null ? null : $"XRAY TraceId: {root}\tSegmentId: {spanId ?? parent}\tSampled: {(sampled == "1" ? "true" : "false")}";
    }

    private static string Milliseconds(double? value, string format) =>
        $"{(value ?? 0).ToString(format, CultureInfo.InvariantCulture)} ms";

    /// <summary>CloudWatch prints subscribed types capitalized: <c>Platform, Function</c>.</summary>
    private static string Capitalized(string? items) =>
        items is null ? "" : string.Join(", ", items.Split(", ").Select(t => t.Length > 0 ? char.ToUpperInvariant(t[0]) + t[1..] : t));

    /// <summary>A field the platform left empty is left out (AWS's RIE sends <c>runtimeVersion: ""</c>): an empty
    /// <c>Runtime Version: </c> says nothing and reads like a bug.</summary>
    private static string RuntimeVersion(string start, RecordFields f)
    {
        var line = new StringBuilder(start);
        char separator = ' ';
        if (f.RuntimeVersion is { Length: > 0 } version)
        {
            line.Append(separator).Append("Runtime Version: ").Append(version);
            separator = '\t';
        }
        if (f.RuntimeVersionArn is { Length: > 0 } arn)
        {
            line.Append(separator).Append("Runtime Version ARN: ").Append(arn);
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
