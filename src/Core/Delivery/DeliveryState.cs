using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Where delivery to Loki stands: the push under way, backoff, batch size, and what was already said about
/// Loki's answers (so each problem is told once, not once per push).</summary>
/// <param name="InFlight">The push under way, if any: while it is, <c>/event/next</c> is never called.</param>
/// <param name="RetryAtMs">No push before this time (backoff after a failure).</param>
/// <param name="Attempt">Consecutive failed attempts of the oldest pending entries.</param>
/// <param name="BatchCap">Line bytes per push now: halved after a 413 or a 429, grown back after each stored push.</param>
/// <param name="RateLimited">The last failed push was refused by Loki's rate limits (429): waiting within an
/// invocation cannot help, so invocations are not held for its retry; it goes out while a later one runs.</param>
/// <param name="Crashes">Consecutive pushes that failed inside the extension (a bug, not an answer of Loki's).</param>
/// <param name="FailedPushes">Failed pushes since Loki last answered: the first is told, the recovery too.</param>
/// <param name="Told">Refusals already told (status and message), so each distinct one is told once.</param>
internal sealed record DeliveryState(
    Option<PushBatch> InFlight,
    long NextBatchId,
    long RetryAtMs,
    int Attempt,
    long BatchCap,
    bool RateLimited,
    int Crashes,
    int FailedPushes,
    Seq<string> Told)
{
    /// <summary>Distinct refusals remembered as told; beyond that, the oldest is forgotten (and may be told again).</summary>
    private const int ToldKept = 32;

    public static DeliveryState Start(long maxBatchBytes) => new(None, 1, 0, 0, maxBatchBytes, false, 0, 0, Seq<string>());

    public bool IsPushing => InFlight.IsSome;

    /// <summary>Whether <paramref name="refusal"/> is new (to be told), and the state that remembers it.</summary>
    public (bool First, DeliveryState State) Remember(string refusal)
    {
        if (Told.Exists(t => t == refusal))
        {
            return (false, this);
        }
        var told = Told.Add(refusal);
        return (true, this with { Told = told.Count > ToldKept ? told.WithoutFirst() : told });
    }
}
