namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>An entry Loki stored, with the push it came in and when that push arrived.</summary>
public sealed record ReceivedEntry(
    int PushIndex,
    DateTimeOffset ArrivedAt,
    string Labels,
    IReadOnlyDictionary<string, string> LabelMap,
    long UnixNanos,
    string Line,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    public string? MetadataValue(string name) => Metadata.FirstOrDefault(p => p.Key == name).Value;
}

/// <summary>One push as the receiver saw it: headers, what it answered, what it stored.</summary>
public sealed record ReceivedPush(
    int Index,
    DateTimeOffset ArrivedAt,
    int Status,
    string Answer,
    string? Authorization,
    string? Tenant,
    string? ContentType,
    int Streams,
    int EntriesStored,
    int EntriesRejected,
    int BodyBytes);

/// <summary>What the receiver does instead of (or before) storing a push.</summary>
public abstract record Fault
{
    private Fault() { }

    /// <summary>Answer with this status and body and store nothing; <paramref name="RetryAfterSeconds"/> sets Retry-After.</summary>
    public sealed record Status(int Code, string Body = "", int? RetryAfterSeconds = null) : Fault;

    /// <summary>Cut the connection without an answer, storing nothing.</summary>
    public sealed record DropConnection : Fault;

    /// <summary>Store the push, then cut the connection: the client cannot know it was stored.</summary>
    public sealed record StoreThenDrop : Fault;

    /// <summary>Answer with a redirect (3xx) to <paramref name="Location"/>, as a proxy or load balancer before Loki
    /// may, storing nothing.</summary>
    public sealed record Redirect(int Code, string Location) : Fault;

    /// <summary>Wait, then handle the push normally.</summary>
    public sealed record Delay(int Milliseconds) : Fault;
}

/// <summary>The rules the receiver enforces, with Loki's defaults (pkg/validation/limits.go).</summary>
public sealed record ReceiverOptions
{
    public string? RequiredAuthorization { get; init; }
    public string? RequiredTenant { get; init; }
    public int MaxLineBytes { get; init; } = 256 * 1024;
    public int MaxLabelNames { get; init; } = 15;
    public TimeSpan RejectOlderThan { get; init; } = TimeSpan.FromDays(7);
    public TimeSpan CreationGracePeriod { get; init; } = TimeSpan.FromMinutes(10);
    public int MaxStructuredMetadataBytes { get; init; } = 64 * 1024;
    public int MaxStructuredMetadataPairs { get; init; } = 128;

    /// <summary>Out-of-order writes are accepted within this much of a stream's newest entry (max_chunk_age / 2).</summary>
    public TimeSpan OutOfOrderWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A real Loki to pass every push on to: it decides what is stored and answers; the receiver injects its
    /// faults around it and records the pushes (its <see cref="LokiReceiver.Entries"/> stay empty: ask the real Loki).</summary>
    public Uri? Upstream { get; init; }

    /// <summary>Connections kept alive between pushes, as Loki keeps them: the extension's HTTP client reuses one
    /// instead of connecting for every push (what the bench's CPU figures need). The fault relay is then not in front,
    /// so a connection cannot be dropped (<see cref="Fault.DropConnection"/>, <see cref="Fault.StoreThenDrop"/>).</summary>
    public bool KeepAlive { get; init; }
}
