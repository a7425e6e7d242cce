using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The one way the shell makes an observation (a telemetry body's is <see cref="TelemetryIntake.Read"/>'s):
/// the cases stay the core's, so the shell can say what it saw and nothing else. <c>nowMs</c> is always the shell's
/// monotonic clock in Unix milliseconds; a <c>draw</c> a uniform sample in [0, 1,000,000) from the operating system's
/// random source; a <c>jitter</c> one in [0, 1), for retry backoff.</summary>
public static class Observations
{
    /// <summary>Registered and subscribed: the extension is ready for its first <c>/event/next</c>.</summary>
    public static Observation Initialized(long nowMs) => new Initialized(nowMs);

    /// <summary><c>/event/next</c> returned INVOKE.</summary>
    public static Observation Invoked(long nowMs, string requestId, long deadlineMs, long draw) =>
        new InvokeReceived(nowMs, requestId, deadlineMs, draw);

    /// <summary><c>/event/next</c> returned SHUTDOWN.</summary>
    public static Observation ShutDown(long nowMs, long deadlineMs, string reason, long draw) => new ShutdownReceived(nowMs, deadlineMs, reason, draw);

    /// <summary><c>/event/next</c> failed.</summary>
    public static Observation NextFailed(long nowMs, string reason) => new NextFailed(nowMs, reason);

    /// <summary>Shipping cannot go on (the subscription was refused, the listener or the shell failed).</summary>
    public static Observation ShippingStopped(long nowMs, string reason) => new ShippingStopped(nowMs, reason);

    /// <summary>A telemetry body not (wholly) readable: what could not be read is shipped as an 'unparsed' entry.</summary>
    public static Observation MalformedBody(long nowMs, string message) => new IntakeTroubled(nowMs, IntakeTrouble.MalformedBody, message);

    /// <summary>A request to the telemetry port refused or cut (too large, too slow, not HTTP).</summary>
    public static Observation RefusedRequest(long nowMs, string message) => new IntakeTroubled(nowMs, IntakeTrouble.RefusedRequest, message);

    /// <summary>Every push request of batch <paramref name="batchId"/> ended, each stream (<see cref="PushBatch.Streams"/>)
    /// with its outcome.</summary>
    public static Observation PushFinished(long nowMs, long batchId, ReadOnlySpan<StreamKind> streams, ReadOnlySpan<PushOutcome> outcomes,
        double jitter)
    {
        StreamOutcomes all = PushOutcome.Stored;
        for (int i = 0; i < streams.Length; i++)
        {
            all = all.With(streams[i], outcomes[i]);
        }
        return new PushFinished(nowMs, batchId, all, jitter);
    }

    /// <summary>The spool write of <paramref name="fileId"/> ended; <paramref name="error"/> says why it failed.</summary>
    public static Observation SpillFinished(long nowMs, long fileId, string? error) => new SpillFinished(nowMs, fileId, error);

    /// <summary>Spool file <paramref name="fileId"/> read back as <paramref name="contents"/>; throws when they are not a
    /// spool file this extension wrote whole (<see cref="SpoolFormat.Read"/>).</summary>
    public static Observation SpoolRead(long nowMs, long fileId, ReadOnlySpan<byte> contents) =>
        new SpoolLoaded(nowMs, fileId, SpoolFormat.Read(contents), null);

    /// <summary>Spool file <paramref name="fileId"/> could not be read back, for <paramref name="error"/>.</summary>
    public static Observation SpoolUnread(long nowMs, long fileId, string error) => new SpoolLoaded(nowMs, fileId, [], error);

    /// <summary>Spool files an earlier process of this execution environment left, found at start.</summary>
    public static Observation SpoolFound(long nowMs, Seq<SpoolFile> files) => new SpoolFound(nowMs, files);

    /// <summary>The archive write of <paramref name="objectId"/> ended; <paramref name="error"/> says why it failed (S3's
    /// answer, with its <paramref name="status"/> and <paramref name="code"/>, or the transport's).</summary>
    public static Observation ArchiveFinished(long nowMs, long objectId, string? error, double jitter, int? status, string? code) =>
        new ArchiveFinished(nowMs, objectId, error, jitter, status, code);

    /// <summary>The timer the core armed went off.</summary>
    public static Observation TimerFired(long nowMs) => new TimerFired(nowMs);

    /// <summary>The credentials endpoint answered <paramref name="status"/> and <paramref name="body"/> (read at wall time
    /// <paramref name="wallMs"/>), or <paramref name="transportProblem"/> says why not.</summary>
    public static Observation CredentialsFetched(long nowMs, long wallMs, int? status, byte[] body, string? transportProblem, double jitter) =>
        new CredentialsFetched(nowMs, wallMs, status, body, transportProblem, jitter);

    /// <summary>Every referenced secret's answer: the service's status and body, or why nothing came.</summary>
    /// <param name="answers">One for each reference, in their order.</param>
    public static Observation SecretsFetched(long nowMs, Seq<SecretReference> references, (int? Status, byte[] Body, string? TransportProblem)[] answers,
        double jitter)
    {
        var read = new SecretAnswer[answers.Length];
        int i = 0;
        foreach (SecretReference reference in references.Take(answers.Length))
        {
            var (status, body, problem) = answers[i];
            read[i++] = new SecretAnswer(reference, status, body, problem);
        }
        return new SecretsFetched(nowMs, toSeq(read), jitter);
    }
}
