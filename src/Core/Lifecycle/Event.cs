using System.Collections.Immutable;
using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Everything that changes the extension's state: what the shell observed, and what the core decided.
/// The hierarchy is closed (an interface of the core's alone; private protected constructors below it):
/// <see cref="Lifecycle.Evolve"/> handles every case.</summary>
internal interface Event;

/// <summary>Something the shell saw happen, at <see cref="NowMs"/> (Unix milliseconds, from the shell's monotonic clock).</summary>
public abstract record Observation : Event
{
    private protected Observation(long nowMs) => NowMs = nowMs;

    public long NowMs { get; }
}

/// <summary>Registered and subscribed: the extension is ready for its first <c>/event/next</c>.</summary>
internal sealed record Initialized(long NowMs) : Observation(NowMs);

/// <summary><c>/event/next</c> returned INVOKE. <paramref name="Draw"/>, like the draws of the observations below, is
/// a uniform sample in [0, 1,000,000) from the operating system's random source, which every clone of a SnapStart
/// snapshot draws anew: what the core makes the sandbox's discriminator of after a restore (see <see cref="Restores"/>).</summary>
internal sealed record InvokeReceived(long NowMs, string RequestId, long DeadlineMs, long Draw = 0) : Observation(NowMs);

/// <summary><c>/event/next</c> returned SHUTDOWN.</summary>
internal sealed record ShutdownReceived(long NowMs, long DeadlineMs, string Reason, long Draw = 0) : Observation(NowMs);

/// <summary><c>/event/next</c> failed (the Extensions API refused or went away): there is no lifecycle left to serve.</summary>
internal sealed record NextFailed(long NowMs, string Reason) : Observation(NowMs);

/// <summary>Shipping cannot go on (the subscription was refused, the listener or the shell failed): from here on only
/// the lifecycle is served.</summary>
internal sealed record ShippingStopped(long NowMs, string Reason) : Observation(NowMs);

/// <summary>The platform delivered a Telemetry API body (its <paramref name="Digest"/>, when the shell took one: a body
/// delivered again is not shipped twice), with what the drop and mask patterns made of its records, when there are
/// patterns (<see cref="LineFilter.Sift"/>).</summary>
internal sealed record TelemetryReceived(long NowMs, ImmutableArray<TelemetryRecord> Records, BodyDigest? Digest = null, LineVerdicts? Verdicts = null,
    long Draw = 0) : Observation(NowMs);

/// <summary>The shell's intake met a problem that may recur: a body it could not read whole, a request it refused or
/// cut. The core says the first of each kind in full and counts the rest (at debug level).</summary>
internal sealed record IntakeTroubled(long NowMs, IntakeTrouble Trouble, string Message) : Observation(NowMs);

internal enum IntakeTrouble
{
    /// <summary>A telemetry body not (wholly) readable: what could not be read is shipped as an 'unparsed' entry.</summary>
    MalformedBody,

    /// <summary>A request to the telemetry port refused or cut (too large, too slow, not HTTP).</summary>
    RefusedRequest,
}

/// <summary>A batch's push requests (one per stream) all ended, each with its own outcome. <paramref name="Jitter"/> is
/// a uniform sample in [0, 1) for retry backoff: randomness comes from the shell so the core stays deterministic.</summary>
internal sealed record PushFinished(long NowMs, long BatchId, StreamOutcomes Outcomes, double Jitter) : Observation(NowMs);

/// <summary>The spool write of <paramref name="FileId"/> ended; <paramref name="Error"/> says why it failed.</summary>
internal sealed record SpillFinished(long NowMs, long FileId, string? Error) : Observation(NowMs);

/// <summary>A spool file was read back; <paramref name="Entries"/> is empty and <paramref name="Error"/> set when it
/// could not be read.</summary>
internal sealed record SpoolLoaded(long NowMs, long FileId, ImmutableArray<LogEntry> Entries, string? Error) : Observation(NowMs);

/// <summary>Spool files left by an earlier process of this execution environment (a timeout or crash restarts the
/// extension, and /tmp survives), found at start: their entries are the oldest.</summary>
internal sealed record SpoolFound(long NowMs, Seq<SpoolFile> Files) : Observation(NowMs);

/// <summary>The archive write of object <paramref name="ObjectId"/> ended; <paramref name="Error"/> says why it failed
/// (S3's answer, with its <paramref name="Status"/> and <paramref name="Code"/>, or the transport's).
/// <paramref name="Jitter"/> as for <see cref="PushFinished"/>.</summary>
internal sealed record ArchiveFinished(long NowMs, long ObjectId, string? Error, double Jitter, int? Status = null, string? Code = null) : Observation(NowMs);

/// <summary>The timer armed by <see cref="TimerArmed"/> went off.</summary>
internal sealed record TimerFired(long NowMs) : Observation(NowMs);
