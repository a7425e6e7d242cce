namespace LokiLambdaExtension.Core.Entries;

/// <summary>Which Loki stream an entry belongs to: the <c>source</c> label. Streams are few and fixed so that a
/// function never creates more than a handful of them (cardinality), and so the encoder can group without allocating.</summary>
public enum StreamKind : byte
{
    Function = 0,
    Platform = 1,
    Extension = 2,
}

/// <summary>One log line as it will be stored in Loki, with the structured metadata that travels beside it.
/// A struct pointing at bytes that already exist: buffering and encoding entries allocates nothing per line.</summary>
/// <param name="UnixNanos">The telemetry record's own time, in nanoseconds since the Unix epoch.</param>
/// <param name="Line">The text stored as the Loki line, in UTF-8.</param>
/// <param name="Stream">The stream (source) the line belongs to.</param>
/// <param name="Metadata">Structured metadata pairs; empty for most lines of the walking skeleton.</param>
internal readonly record struct LogEntry(long UnixNanos, Utf8Line Line, StreamKind Stream, MetadataPairs Metadata)
{
    public LogEntry(long unixNanos, Utf8Line line, StreamKind stream) : this(unixNanos, line, stream, MetadataPairs.Empty) { }

    /// <summary>An entry whose line is made here rather than received (reports, tests).</summary>
    public LogEntry(long unixNanos, string line, StreamKind stream, MetadataPairs metadata) : this(unixNanos, Utf8Line.From(line), stream, metadata) { }

    public LogEntry(long unixNanos, string line, StreamKind stream) : this(unixNanos, Utf8Line.From(line), stream, MetadataPairs.Empty) { }

    /// <summary>The Loki tenant the entry goes to (<c>X-Scope-OrgID</c>), when it is a Lambda tenant's (see
    /// <see cref="Tenancy.Tenants"/>); null for the configured tenant. A push, a spool file and an archive object hold
    /// entries of one tenant only.</summary>
    public string? Tenant { get; init; }

    /// <summary>The bytes this entry costs in a push, for batching and memory caps (lines dominate).</summary>
    public int ApproximateBytes => Line.Length + 32;
}
