using System.Collections.Immutable;
using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Everything that changes the extension's state: what the shell observed, and what the core decided.
/// The hierarchy is closed (private protected constructors): <see cref="Lifecycle.Evolve"/> handles every case.</summary>
public abstract record Event
{
    private protected Event() { }
}

/// <summary>Something the shell saw happen, at <see cref="NowMs"/> (Unix milliseconds, from the shell's monotonic clock).</summary>
public abstract record Observation : Event
{
    private protected Observation(long nowMs) => NowMs = nowMs;

    public long NowMs { get; }
}

/// <summary>Registered and subscribed: the extension is ready for its first <c>/event/next</c>.</summary>
public sealed record Initialized(long NowMs) : Observation(NowMs);

/// <summary><c>/event/next</c> returned INVOKE. <paramref name="Draw"/>, like the draws of the observations below, is
/// a uniform sample in [0, 1,000,000) from the operating system's random source, which every clone of a SnapStart
/// snapshot draws anew: what the core makes the sandbox's discriminator of after a restore (see <see cref="Restores"/>).</summary>
public sealed record InvokeReceived(long NowMs, string RequestId, long DeadlineMs, long Draw = 0) : Observation(NowMs);

/// <summary><c>/event/next</c> returned SHUTDOWN.</summary>
public sealed record ShutdownReceived(long NowMs, long DeadlineMs, string Reason, long Draw = 0) : Observation(NowMs);

/// <summary><c>/event/next</c> failed (the Extensions API refused or went away): there is no lifecycle left to serve.</summary>
public sealed record NextFailed(long NowMs, string Reason) : Observation(NowMs);

/// <summary>Shipping cannot go on (the subscription was refused, the listener or the shell failed): from here on only
/// the lifecycle is served.</summary>
public sealed record ShippingStopped(long NowMs, string Reason) : Observation(NowMs);

/// <summary>The platform delivered a Telemetry API body (its <paramref name="Digest"/>, when the shell took one: a body
/// delivered again is not shipped twice), with what the drop and mask patterns made of its records, when there are
/// patterns (<see cref="LineFilter.Sift"/>).</summary>
public sealed record TelemetryReceived(long NowMs, Seq<TelemetryRecord> Records, BodyDigest? Digest = null, LineVerdicts? Verdicts = null,
    long Draw = 0) : Observation(NowMs);

/// <summary>The shell's intake met a problem that may recur: a body it could not read whole, a request it refused or
/// cut. The core says the first of each kind in full and counts the rest (at debug level).</summary>
public sealed record IntakeTroubled(long NowMs, IntakeTrouble Trouble, string Message) : Observation(NowMs);

public enum IntakeTrouble
{
    /// <summary>A telemetry body not (wholly) readable: what could not be read is shipped as an 'unparsed' entry.</summary>
    MalformedBody,

    /// <summary>A request to the telemetry port refused or cut (too large, too slow, not HTTP).</summary>
    RefusedRequest,
}

/// <summary>A batch's push requests (one per stream) all ended, each with its own outcome. <paramref name="Jitter"/> is
/// a uniform sample in [0, 1) for retry backoff: randomness comes from the shell so the core stays deterministic.</summary>
public sealed record PushFinished(long NowMs, long BatchId, StreamOutcomes Outcomes, double Jitter) : Observation(NowMs);

/// <summary>The spool write of <paramref name="FileId"/> ended; <paramref name="Error"/> says why it failed.</summary>
public sealed record SpillFinished(long NowMs, long FileId, string? Error) : Observation(NowMs);

/// <summary>A spool file was read back; <paramref name="Entries"/> is empty and <paramref name="Error"/> set when it
/// could not be read.</summary>
public sealed record SpoolLoaded(long NowMs, long FileId, ImmutableArray<LogEntry> Entries, string? Error) : Observation(NowMs);

/// <summary>Spool files left by an earlier process of this execution environment (a timeout or crash restarts the
/// extension, and /tmp survives), found at start: their entries are the oldest.</summary>
public sealed record SpoolFound(long NowMs, Seq<SpoolFile> Files) : Observation(NowMs);

/// <summary>The archive write of object <paramref name="ObjectId"/> ended; <paramref name="Error"/> says why it failed
/// (S3's answer, with its <paramref name="Status"/> and <paramref name="Code"/>, or the transport's).
/// <paramref name="Jitter"/> as for <see cref="PushFinished"/>.</summary>
public sealed record ArchiveFinished(long NowMs, long ObjectId, string? Error, double Jitter, int? Status = null, string? Code = null) : Observation(NowMs);

/// <summary>The timer armed by <see cref="TimerArmed"/> went off.</summary>
public sealed record TimerFired(long NowMs) : Observation(NowMs);

/// <summary>A decision of the core: an effect the shell performs, folded into the state as it is decided.</summary>
public abstract record Decision : Event
{
    private protected Decision() { }
}

/// <summary>Send this batch to Loki with <paramref name="Headers"/> (authorization, tenant, extras: secrets, never
/// printed); give up on it at <paramref name="NotAfterMs"/>.</summary>
public sealed record PushStarted(PushBatch Batch, long NotAfterMs, Seq<HttpHeader> Headers = default) : Decision;

/// <summary>Write the oldest entries in memory to the spool, as a file numbered as the batch.</summary>
public sealed record SpillStarted(PushBatch Batch) : Decision
{
    public SpoolFile File => new(Batch.Id, Batch.Entries.Length, Batch.Bytes);

    public ImmutableArray<LogEntry> Entries => Batch.Entries;
}

/// <summary>Write one object to the S3 archive at <paramref name="Key"/>: the push body of <see cref="Entries"/>, the
/// entries <paramref name="Taken"/> from <paramref name="Source"/> and, when Loki was given up on at SHUTDOWN, the
/// <paramref name="Report"/> saying so, signed with <paramref name="SignWith"/>. Give up on it at <paramref name="NotAfterMs"/>.</summary>
public sealed record ArchiveStarted(PushBatch Taken, Option<LogEntry> Report, string Key, long NotAfterMs, ArchiveSource Source, AwsCredentials SignWith) : Decision
{
    public long ObjectId => Taken.Id;

    public ImmutableArray<LogEntry> Entries => Report.Case is LogEntry report ? Taken.Entries.Add(report) : Taken.Entries;
}

/// <summary>Read <paramref name="File"/> back from the spool.</summary>
public sealed record SpoolLoadStarted(SpoolFile File) : Decision;

/// <summary>Drop every connection to Loki and open new ones for the next push: after a SnapStart restore, those open
/// at the snapshot are dead, often without a reset, and a push on one would hang.</summary>
public sealed record ConnectionsRenewed : Decision;

/// <summary>Call <c>/event/next</c>: from here on the sandbox may freeze at any moment.</summary>
public sealed record NextCalled : Decision;

/// <summary>Wake the core at <paramref name="AtMs"/> with <see cref="TimerFired"/> (replaces any earlier timer).</summary>
public sealed record TimerArmed(long AtMs) : Decision;

/// <summary>Tell the user <paramref name="Notice"/> (the shell prints it).</summary>
public sealed record Notified(Notice Notice) : Decision;

/// <summary>Exit the process with <paramref name="ExitCode"/>, printing <paramref name="Summary"/>.</summary>
public sealed record ExitRequested(int ExitCode, string Summary) : Decision;
