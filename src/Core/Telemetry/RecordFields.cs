namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The fields of a record object that lines and metadata are made of: a <c>platform.*</c> record, or a
/// function's JSON-format log record. Every field is optional: records of an unexpected shape yield what they have.
/// Set only by <see cref="RecordFieldsReader"/> while it reads the record, before anyone else sees the object (a
/// <c>with</c> per field made several copies of every JSON record: most of the garbage of a busy Managed Instance);
/// read-only after that. What only platform records carry (versions, statuses, metrics) is in <see cref="Details"/>,
/// made only for a record that has some: a function's JSON record stays four strings.</summary>
internal sealed record RecordFields
{
    public string? RequestId { get; internal set; }
    /// <summary>A JSON log record's <c>level</c> (or <c>severity</c>), as written.</summary>
    public string? Level { get; internal set; }
    /// <summary>A JSON log record's own trace id (<c>traceId</c>, <c>xrayTraceId</c>, <c>trace_id</c>).</summary>
    public string? TraceId { get; internal set; }
    /// <summary>The tenant an environment serves under tenant isolation (<c>tenantId</c>).</summary>
    public string? TenantId { get; internal set; }

    /// <summary>The rest of the known fields; null when the record has none of them. Copied when one is set (a few times
    /// per platform record, which are few), so a <c>with</c> of these fields never reaches into another's.</summary>
    public RecordDetails? Details { get; private set; }

    public string? Version { get => Details?.Version; internal set => Details = (Details ?? RecordDetails.None) with { Version = value }; }
    public string? Status { get => Details?.Status; internal set => Details = (Details ?? RecordDetails.None) with { Status = value }; }
    public string? ErrorType { get => Details?.ErrorType; internal set => Details = (Details ?? RecordDetails.None) with { ErrorType = value }; }
    public string? TracingValue { get => Details?.TracingValue; internal set => Details = (Details ?? RecordDetails.None) with { TracingValue = value }; }
    public string? RuntimeVersion { get => Details?.RuntimeVersion; internal set => Details = (Details ?? RecordDetails.None) with { RuntimeVersion = value }; }
    public string? RuntimeVersionArn { get => Details?.RuntimeVersionArn; internal set => Details = (Details ?? RecordDetails.None) with { RuntimeVersionArn = value }; }
    public string? InitializationType { get => Details?.InitializationType; internal set => Details = (Details ?? RecordDetails.None) with { InitializationType = value }; }
    public string? Reason { get => Details?.Reason; internal set => Details = (Details ?? RecordDetails.None) with { Reason = value }; }
    /// <summary><c>phase</c> of init records: <c>init</c>, or <c>invoke</c> when init is retried inside an invocation.</summary>
    public string? Phase { get => Details?.Phase; internal set => Details = (Details ?? RecordDetails.None) with { Phase = value }; }
    /// <summary><c>name</c> and <c>state</c> of <c>platform.extension</c> and <c>platform.telemetrySubscription</c>.</summary>
    public string? Name { get => Details?.Name; internal set => Details = (Details ?? RecordDetails.None) with { Name = value }; }
    public string? State { get => Details?.State; internal set => Details = (Details ?? RecordDetails.None) with { State = value }; }
    /// <summary>Their <c>events</c> or <c>types</c>, comma-separated as CloudWatch prints them.</summary>
    public string? Items { get => Details?.Items; internal set => Details = (Details ?? RecordDetails.None) with { Items = value }; }
    /// <summary>The <c>spanId</c> of the record's tracing: the X-Ray segment of the invocation.</summary>
    public string? SpanId { get => Details?.SpanId; internal set => Details = (Details ?? RecordDetails.None) with { SpanId = value }; }
    public double? DurationMs { get => Details?.DurationMs; internal set => Details = (Details ?? RecordDetails.None) with { DurationMs = value }; }
    public double? BilledDurationMs { get => Details?.BilledDurationMs; internal set => Details = (Details ?? RecordDetails.None) with { BilledDurationMs = value }; }
    public double? MemorySizeMb { get => Details?.MemorySizeMb; internal set => Details = (Details ?? RecordDetails.None) with { MemorySizeMb = value }; }
    public double? MaxMemoryUsedMb { get => Details?.MaxMemoryUsedMb; internal set => Details = (Details ?? RecordDetails.None) with { MaxMemoryUsedMb = value }; }
    public double? InitDurationMs { get => Details?.InitDurationMs; internal set => Details = (Details ?? RecordDetails.None) with { InitDurationMs = value }; }
    public double? RestoreDurationMs { get => Details?.RestoreDurationMs; internal set => Details = (Details ?? RecordDetails.None) with { RestoreDurationMs = value }; }
    public double? BilledRestoreDurationMs { get => Details?.BilledRestoreDurationMs; internal set => Details = (Details ?? RecordDetails.None) with { BilledRestoreDurationMs = value }; }
    public long? DroppedBytes { get => Details?.DroppedBytes; internal set => Details = (Details ?? RecordDetails.None) with { DroppedBytes = value }; }
    public long? DroppedRecords { get => Details?.DroppedRecords; internal set => Details = (Details ?? RecordDetails.None) with { DroppedRecords = value }; }

    public static RecordFields None { get; } = new();
}

/// <summary>The fields of a record object that only platform records carry (see <see cref="RecordFields"/>).</summary>
internal sealed record RecordDetails
{
    public static RecordDetails None { get; } = new();

    public string? Version { get; internal set; }
    public string? Status { get; internal set; }
    public string? ErrorType { get; internal set; }
    public string? TracingValue { get; internal set; }
    public string? RuntimeVersion { get; internal set; }
    public string? RuntimeVersionArn { get; internal set; }
    public string? InitializationType { get; internal set; }
    public string? Reason { get; internal set; }
    public string? Phase { get; internal set; }
    public string? Name { get; internal set; }
    public string? State { get; internal set; }
    public string? Items { get; internal set; }
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
}
