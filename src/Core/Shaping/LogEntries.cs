using System.Globalization;
using System.Text;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Maps telemetry records to the entries Loki stores: stream, line, time and structured metadata.</summary>
internal static class LogEntries
{

    /// <param name="recentRequests">The requests named lately outside any invocation (see
    /// <see cref="EntryShaping.ForRequest"/>), updated when the record names another.</param>
    public static LogEntry From(in TelemetryRecord record, EntryShaping shaping, InvocationContext? context, ref RecentRequests recentRequests) =>
        record.Kind switch
        {
            TelemetryKind.Function => Log(in record, StreamKind.Function, shaping, context, ref recentRequests),
            TelemetryKind.Extension => Log(in record, StreamKind.Extension, shaping, context, ref recentRequests),
            TelemetryKind.Unparsed => new LogEntry(record.UnixNanos, LineOf(in record, shaping.MaxLineBytes), StreamKind.Extension,
                shaping.ForPlatform("unparsed", null, null, [])),
            _ => Platform(in record, shaping, context),
        };

    /// <summary>The line the entry of <paramref name="record"/> carries, cut to <paramref name="maxLineBytes"/>: what the
    /// drop and mask patterns read.</summary>
    public static Utf8Line LineOf(in TelemetryRecord record, int maxLineBytes) => record.Kind switch
    {
        TelemetryKind.Function or TelemetryKind.Extension => LineLimit.Truncate(record.Text ?? record.Json ?? Utf8Line.Empty, maxLineBytes),
        TelemetryKind.Unparsed => LineLimit.Truncate(record.Text ?? Utf8Line.Empty, maxLineBytes),
        _ => LineLimit.Truncate(PlatformLine.For(in record), maxLineBytes),
    };

    /// <summary>A text record is the line as printed; a JSON-format record is shipped as its compact JSON, so LogQL's
    /// <c>| json</c> works on it. Level, request id and trace id come from the runtime's prefix or the JSON fields;
    /// a line without a request id of its own gets the invocation's.</summary>
    private static LogEntry Log(in TelemetryRecord record, StreamKind stream, EntryShaping shaping, InvocationContext? context, ref RecentRequests recentRequests)
    {
        LogLevel level;
        string? requestId;
        string? traceId = null;
        string? tenantId = null;
        if (record.Text is { } text)
        {
            if (text.StartsWith("{"u8) && RecordFieldsReader.TryRead(text.Span) is { } fields)
            {
                (level, requestId, traceId, tenantId) = (LogLevels.Parse(fields.Level), fields.RequestId, fields.TraceId, fields.TenantId);
            }
            else
            {
                level = TextLogPrefix.Read(text.Span, out ReadOnlySpan<byte> id);
                // A stack trace joined from stdout lines carries no prefix; its level is what the joining found.
                level = level == LogLevel.None && record.Fields.Level is { } joined ? LogLevels.Parse(joined) : level;
                // A trace's head alone (not joined: requests interleave, or the trace was cut between deliveries).
                level = level == LogLevel.None && TraceShapes.HeadsError(text.Span) ? LogLevel.Error : level;
                if (context is null && !id.IsEmpty)
                {
                    // No platform.start told where this invocation began (a subscription without "platform"): lines of
                    // one request still share their metadata, through the shaping's memo of the last request id.
                    return new LogEntry(record.UnixNanos, LineLimit.Truncate(text, shaping.MaxLineBytes), stream, shaping.ForRequest(id, level, ref recentRequests));
                }
                // A request id is ASCII (hexadecimal digits and dashes).
                requestId = id.IsEmpty ? null : context is not null && id.SequenceEqual(context.RequestIdUtf8) ? context.RequestId : Encoding.ASCII.GetString(id);
            }
        }
        else
        {
            (level, requestId, traceId, tenantId) = (LogLevels.Parse(record.Fields.Level), record.Fields.RequestId, record.Fields.TraceId, record.Fields.TenantId);
        }

        if (context is null && requestId is not null && traceId is null && tenantId is null)
        {
            // A JSON record that names its request outside any known invocation (Managed Instances' concurrent requests).
            return new LogEntry(record.UnixNanos, LineOf(in record, shaping.MaxLineBytes), stream, shaping.ForRequest(requestId, level, ref recentRequests));
        }
        bool sameInvocation = requestId is null || requestId == context?.RequestId;
        // A record that names its tenant (tenant isolation) carries it: such metadata is the record's own.
        MetadataPairs metadata = tenantId is not null
            ? shaping.ForLine(requestId ?? (sameInvocation ? context?.RequestId : null), traceId ?? (sameInvocation ? context?.TraceId : null), level, tenantId)
            : context is not null && sameInvocation && (traceId is null || traceId == context.TraceId)
            ? context.For(level)
            : context is null && requestId is null && traceId is null
                ? shaping.OutsideInvocation(level)
                : shaping.ForLine(requestId ?? context?.RequestId, traceId ?? (sameInvocation ? context?.TraceId : null), level);
        return new LogEntry(record.UnixNanos, LineOf(in record, shaping.MaxLineBytes), stream, metadata);
    }

    private static LogEntry Platform(in TelemetryRecord record, EntryShaping shaping, InvocationContext? context)
    {
        RecordFields f = record.Fields;
        string? traceId = InvocationContext.TraceIdFromHeader(f.TracingValue)
                          ?? (context is not null && f.RequestId == context.RequestId ? context.TraceId : null);
        MetadataPairs metadata = shaping.ForPlatform(record.Type.Length > 0 ? record.Type : "unknown", f.RequestId, traceId, Own(in record, shaping));
        return new LogEntry(record.UnixNanos, LineOf(in record, shaping.MaxLineBytes), StreamKind.Platform, metadata);
    }

    /// <summary>What a platform record adds to its metadata: REPORT's metrics as numbers LogQL can filter and
    /// <c>unwrap</c> (<c>| billed_duration_ms > 100</c>), statuses, and platform.logsDropped's counts.</summary>
    private static IEnumerable<MetadataPair> Own(in TelemetryRecord record, EntryShaping shaping)
    {
        RecordFields f = record.Fields;
        var pairs = new List<MetadataPair>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                pairs.Add(new MetadataPair(name, value));
            }
        }
        void Number(string name, double? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

        Add("status", f.Status);
        Add("error_type", f.ErrorType);
        switch (record.Kind)
        {
            case TelemetryKind.Report:
                Number("duration_ms", f.DurationMs);
                Number("billed_duration_ms", f.BilledDurationMs);
                Number("memory_size_mb", f.MemorySizeMb);
                Number("max_memory_used_mb", f.MaxMemoryUsedMb);
                Number("init_duration_ms", f.InitDurationMs);
                Number("restore_duration_ms", f.RestoreDurationMs);
                Number("billed_restore_duration_ms", f.BilledRestoreDurationMs);
                break;
            case TelemetryKind.RuntimeDone or TelemetryKind.InitReport or TelemetryKind.RestoreReport:
                Number("duration_ms", f.DurationMs);
                break;
            case TelemetryKind.LogsDropped:
                Number("dropped_records", f.DroppedRecords);
                Number("dropped_bytes", f.DroppedBytes);
                break;
        }
        Add("initialization_type", f.InitializationType ?? shaping.InitializationType);
        Add("tenant_id", f.TenantId);
        return pairs;
    }
}
