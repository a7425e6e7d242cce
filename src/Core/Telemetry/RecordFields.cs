namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The fields of a record object that lines and metadata are made of: a <c>platform.*</c> record, or a
/// function's JSON-format log record. Every field is optional: records of an unexpected shape yield what they have.
/// Set only by <see cref="RecordFieldsReader"/> while it reads the record, before anyone else sees the object (a
/// <c>with</c> per field made several copies of every JSON record: most of the garbage of a busy Managed Instance);
/// read-only after that.</summary>
public sealed record RecordFields
{
    public string? RequestId { get; internal set; }
    /// <summary>A JSON log record's <c>level</c> (or <c>severity</c>), as written.</summary>
    public string? Level { get; internal set; }
    /// <summary>A JSON log record's own trace id (<c>traceId</c>, <c>xrayTraceId</c>, <c>trace_id</c>).</summary>
    public string? TraceId { get; internal set; }
    public string? Version { get; internal set; }
    public string? Status { get; internal set; }
    public string? ErrorType { get; internal set; }
    public string? TracingValue { get; internal set; }
    public string? RuntimeVersion { get; internal set; }
    public string? RuntimeVersionArn { get; internal set; }
    public string? InitializationType { get; internal set; }
    public string? Reason { get; internal set; }
    /// <summary><c>phase</c> of init records: <c>init</c>, or <c>invoke</c> when init is retried inside an invocation.</summary>
    public string? Phase { get; internal set; }
    /// <summary><c>name</c> and <c>state</c> of <c>platform.extension</c> and <c>platform.telemetrySubscription</c>.</summary>
    public string? Name { get; internal set; }
    public string? State { get; internal set; }
    /// <summary>Their <c>events</c> or <c>types</c>, comma-separated as CloudWatch prints them.</summary>
    public string? Items { get; internal set; }
    /// <summary>The tenant an environment serves under tenant isolation (<c>tenantId</c>).</summary>
    public string? TenantId { get; internal set; }
    /// <summary>The <c>spanId</c> of the record's tracing: the X-Ray segment of the invocation.</summary>
    public string? SpanId { get; internal set; }
    public double? DurationMs { get; internal set; }
    public double? BilledDurationMs { get; internal set; }
    public double? MemorySizeMb { get; internal set; }
    public double? MaxMemoryUsedMb { get; internal set; }
    public double? InitDurationMs { get; internal set; }
    public double? RestoreDurationMs { get; internal set; }
    public double? BilledRestoreDurationMs { get; internal set; }
    public long? DroppedBytes { get; internal set; }
    public long? DroppedRecords { get; internal set; }

    public static RecordFields None { get; } = new();
}
