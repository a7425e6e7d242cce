using LanguageExt;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The whole state of the extension, immutable: each event yields a new one.</summary>
/// <param name="Pending">Entries not yet delivered (nor in flight), oldest first.</param>
/// <param name="InFlight">The push under way, if any: while it is, <c>/event/next</c> is never called.</param>
/// <param name="RetryAtMs">No push before this time (backoff after a failure).</param>
/// <param name="Attempt">Consecutive failed attempts of the oldest pending entries.</param>
/// <param name="BatchCap">Line bytes per push now: halved after a 413, grown back after each stored push.</param>
/// <param name="RecentRuntimeDone">Request ids whose <c>runtimeDone</c> came before their INVOKE was seen.</param>
/// <param name="Context">The invocation lines are being logged in, from its platform.start to its runtimeDone.</param>
/// <param name="Tails">The last entry of each stream, to keep identical same-instant lines apart.</param>
public sealed record ExtensionState(
    DeliveryPolicy Policy,
    EntryShaping Shaping,
    Phase Phase,
    long NowMs,
    Seq<LogEntry> Pending,
    long PendingBytes,
    Option<PushBatch> InFlight,
    long NextBatchId,
    long RetryAtMs,
    int Attempt,
    long BatchCap,
    Option<long> TimerAtMs,
    Seq<string> RecentRuntimeDone,
    InvocationContext? Context,
    StreamTails Tails,
    DeliveryCounters Counters)
{
    public static ExtensionState Initial(DeliveryPolicy policy, EntryShaping? shaping = null) => new(
        policy, shaping ?? EntryShaping.Default, new Phase.Initializing(), 0, Seq<LogEntry>(), 0, None, 1, 0, 0, policy.MaxBatchBytes, None, Seq<string>(),
        null, default, DeliveryCounters.Zero);

    public bool IsPushing => InFlight.IsSome;
}
