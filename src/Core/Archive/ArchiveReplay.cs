using LanguageExt;
using LokiLambdaExtension.Core.Lifecycle;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>What <c>replay</c> asks of the core: how an archived object is pushed (stream by stream, with the tenant its
/// key names), and its retries of a GET from S3 and of a push to Loki, decided as the extension's own pushes are: up to
/// <see cref="Attempts"/> tries, the delivery policy's backoff (doubling, with full jitter; Loki's <c>Retry-After</c>
/// when it asks for longer), and no second try of an answer that would come again the same.</summary>
public static class ArchiveReplay
{
    public const int Attempts = 5;

    /// <summary>How long to wait before try <paramref name="attempt"/> (the first, 0, waits for nothing).</summary>
    public static long WaitBeforeMs(int attempt, double jitter, long? retryAfterMs = null) =>
        attempt == 0 ? 0 : PushSettlement.Backoff(DeliveryPolicy.Default, attempt, jitter, retryAfterMs);

    /// <summary>Whether a push's outcome is worth another try: only what may pass another time (an outage, a rate
    /// limit, a cut connection), not a refusal of the body as it is.</summary>
    public static bool TriesAgain(PushOutcome outcome) => outcome is PushOutcome.Retryable;

    /// <summary>An archived object's push requests, one per stream (<see cref="PushRequestStreams.Split"/>: Loki answers
    /// a push of several streams with the last one's error only); throws <see cref="InvalidDataException"/> when the
    /// object is not a push body.</summary>
    public static List<byte[]> Streams(ReadOnlySpan<byte> archived) => PushRequestStreams.Split(archived);

    /// <summary>The headers the object at <paramref name="key"/> is pushed with: <paramref name="headers"/>, with the
    /// tenant the key names, if it names one (<see cref="ArchiveKeys.TenantOf"/>).</summary>
    public static Seq<HttpHeader> HeadersFor(ArchiveTarget target, string key, Seq<HttpHeader> headers) =>
        TenantHeaders.For(headers, ArchiveKeys.TenantOf(target.Location, key));
}
