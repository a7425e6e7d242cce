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
    /// <summary><c>phase</c> of init records: <c>init</c>, or <c>invoke</c> when init is retried inside an invocation.</summary>
    public string? Phase { get; init; }
    /// <summary><c>name</c> and <c>state</c> of <c>platform.extension</c> and <c>platform.telemetrySubscription</c>.</summary>
    public string? Name { get; init; }
    public string? State { get; init; }
    /// <summary>Their <c>events</c> or <c>types</c>, comma-separated as CloudWatch prints them.</summary>
    public string? Items { get; init; }
    /// <summary>The tenant an environment serves under tenant isolation (<c>tenantId</c>).</summary>
    public string? TenantId { get; init; }
    /// <summary>The <c>spanId</c> of the record's tracing: the X-Ray segment of the invocation.</summary>
    public string? SpanId { get; init; }
    public double? DurationMs { get; init; }
    public double? BilledDurationMs { get; init; }
    public double? MemorySizeMb { get; init; }
    public double? MaxMemoryUsedMb { get; init; }
    public double? InitDurationMs { get; init; }
    public double? RestoreDurationMs { get; init; }
    public double? BilledRestoreDurationMs { get; init; }
    public long? DroppedBytes { get; init; }
    public long? DroppedRecords { get; init; }

    public static RecordFields None { get; } = new();
}
