namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The fields of a record object that lines and metadata are made of: a <c>platform.*</c> record, or a
/// function's JSON-format log record. Every field is optional: records of an unexpected shape yield what they have.</summary>
public sealed record RecordFields
{
    public string? RequestId { get; init; }
    /// <summary>A JSON log record's <c>level</c> (or <c>severity</c>), as written.</summary>
    public string? Level { get; init; }
    /// <summary>A JSON log record's own trace id (<c>traceId</c>, <c>xrayTraceId</c>, <c>trace_id</c>).</summary>
    public string? TraceId { get; init; }
    public string? Version { get; init; }
    public string? Status { get; init; }
    public string? ErrorType { get; init; }
    public string? TracingValue { get; init; }
    public string? RuntimeVersion { get; init; }
    public string? RuntimeVersionArn { get; init; }
    public string? InitializationType { get; init; }
    public string? Reason { get; init; }
    public double? DurationMs { get; init; }
    public double? BilledDurationMs { get; init; }
    public double? MemorySizeMb { get; init; }
    public double? MaxMemoryUsedMb { get; init; }
    public double? InitDurationMs { get; init; }
    public double? RestoreDurationMs { get; init; }
    public long? DroppedBytes { get; init; }
    public long? DroppedRecords { get; init; }

    public static RecordFields None { get; } = new();
}
