using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>When to push, when to call <c>/event/next</c>, when to wake: during an invocation and at SHUTDOWN.</summary>
internal static class DeliveryDecisions
{
    /// <summary>At SHUTDOWN, how much longer than the usual linger to wait for the last invocation's REPORT.</summary>
    private const long ReportWaitMs = 1000;

    /// <summary>Kept free before the SHUTDOWN exit deadline to spill what is left (a local write of a few MiB).</summary>
    private const long ShutdownSpillReserveMs = 100;

    /// <summary>Whether pushes are batched across invocations now rather than made at the end of each.</summary>
    public static bool FlushesPeriodically(LifecycleSettings settings, ExtensionState state) => settings.Policy.Flush.Mode switch
    {
        FlushMode.Periodic => true,
        FlushMode.Adaptive => state.Traffic.GapAverageMs < FlushStrategy.BusyGapMs,
        _ => false,
    };

    public static Option<Decision> DuringInvocation(LifecycleSettings settings, ExtensionState state, Phase.Invoked invoked)
    {
        DeliveryPolicy policy = settings.Policy;
        DeliveryState delivery = state.Delivery;
        EntryBuffer buffer = state.Buffer;
        // While older entries are being read back from the spool, newer ones wait: Loki gets them in order.
        if (delivery.IsPushing || state.Spool.Loading.IsSome)
        {
            return None;
        }
        long now = state.NowMs;
        long flushUntil = invoked.FlushUntilMs.IfNone(invoked.DeadlineMs - policy.DeadlineMarginMs);
        bool flushing = invoked.RuntimeDone || now >= invoked.GiveUpAtMs;
        bool mayPush = !buffer.IsEmpty && now >= delivery.RetryAtMs && now < flushUntil;
        // After failures, a push whose backoff has passed probes Loki while the runtime still runs: the sandbox is
        // thawed, so nothing is cut by a freeze, and a recovered Loki is found without holding the invocation.
        bool probe = delivery.Attempt > 0;
        // Periodic flushing (a busy function) pushes when a period has passed, not because the runtime is done.
        bool periodic = FlushesPeriodically(settings, state);
        bool due = periodic ? now - state.Traffic.LastPushAtMs >= policy.Flush.PeriodMs : flushing;
        if (mayPush && (due || probe || buffer.Bytes >= delivery.BatchCap))
        {
            return TakeBatch(state, notAfterMs: Math.Min(flushUntil, now + policy.FlushBudgetMs));
        }
        if (periodic)
        {
            // A busy function is not held for Lambda's buffering: with no push due (or the due one done, having
            // overlapped the function's own work), back to /event/next at once, without waiting for runtimeDone.
            return new NextCalled();
        }
        bool nothingToPush = buffer.IsEmpty && state.Spool.Loading.IsNone;
        if (flushing && (nothingToPush || now >= flushUntil || delivery.RetryAtMs >= flushUntil || (delivery.RateLimited && now < delivery.RetryAtMs)))
        {
            // Done, or out of budget, or held back by Loki's rate limits (which waiting here cannot lift): what is left
            // stays buffered and goes out with a later invocation.
            return new NextCalled();
        }
        long wakeAt = flushing ? Math.Min(flushUntil, delivery.RetryAtMs)
            : delivery.RetryAtMs > now && !buffer.IsEmpty && (probe || buffer.Bytes >= delivery.BatchCap)
                ? Math.Min(delivery.RetryAtMs, invoked.GiveUpAtMs)
                : invoked.GiveUpAtMs;
        return ArmTimer(state, wakeAt);
    }

    public static bool MayLoadSpool(ExtensionState state) => state.Phase switch
    {
        Phase.ShuttingDown shutdown => state.NowMs < PushUntil(state, shutdown) && state.Delivery.RetryAtMs < PushUntil(state, shutdown),
        _ => true,
    };

    /// <summary>With a spool, pushing stops a little before the exit deadline: what Loki did not take is spilled, for
    /// a reused environment (after a timeout or a crash Lambda restarts the extension and /tmp survives).</summary>
    private static long PushUntil(ExtensionState state, Phase.ShuttingDown shutdown) =>
        shutdown.ExitByMs - (state.Spool.Works ? ShutdownSpillReserveMs : 0);

    public static Option<Decision> AtShutdown(LifecycleSettings settings, ExtensionState state, Phase.ShuttingDown shutdown)
    {
        long now = state.NowMs;
        DeliveryState delivery = state.Delivery;
        SpoolState spool = state.Spool;
        if (delivery.IsPushing || spool.Loading.IsSome)
        {
            return None;
        }
        long pushUntil = PushUntil(state, shutdown);
        if (!state.Buffer.IsEmpty && now >= delivery.RetryAtMs && now < pushUntil)
        {
            return TakeBatch(state, notAfterMs: pushUntil);
        }
        // Quiet: the platform's last delivery had its time, and the last invocation's REPORT came (or was waited for).
        bool reportDue = state.Invocation.ReportDue is not null;
        bool quiet = now >= shutdown.QuietUntilMs && (!reportDue || now >= shutdown.QuietUntilMs + ReportWaitMs);
        bool nothingLeft = state.Buffer.IsEmpty && spool.IsIdle && spool.Files.IsEmpty;
        bool givingUp = now >= pushUntil || (quiet && delivery.RetryAtMs >= pushUntil);
        if (givingUp && now < shutdown.ExitByMs && Spooling.SpillOldest(settings, state).Case is Decision spill)
        {
            return spill;
        }
        if ((quiet && nothingLeft) || now >= shutdown.ExitByMs || (givingUp && spool.Spilling.IsNone))
        {
            string spooled = spool.Files.IsEmpty ? "" : $" ({spool.Files.Sum(f => (long)f.Count)} of them kept in the spool)";
            return new ExitRequested(0, state.Counters.Summary(state.Undelivered) + spooled);
        }
        // Wake for the next thing that can change the answer above: quiet, a retry, the push cut-off, the deadline.
        long wakeAt = shutdown.ExitByMs;
        if (!quiet)
        {
            wakeAt = Math.Min(wakeAt, reportDue ? shutdown.QuietUntilMs + ReportWaitMs : shutdown.QuietUntilMs);
        }
        if (!state.Buffer.IsEmpty && delivery.RetryAtMs > now)
        {
            wakeAt = Math.Min(wakeAt, delivery.RetryAtMs);
        }
        if (pushUntil > now)
        {
            wakeAt = Math.Min(wakeAt, pushUntil);
        }
        return ArmTimer(state, wakeAt);
    }

    private static Option<Decision> ArmTimer(ExtensionState state, long atMs) =>
        atMs > state.NowMs && !(state.TimerAtMs.Case is long armed && armed == atMs) ? new TimerArmed(atMs) : None;

    private static Decision TakeBatch(ExtensionState state, long notAfterMs) =>
        new PushStarted(state.Buffer.Oldest(state.Delivery.NextBatchId, state.Delivery.BatchCap), notAfterMs);
}
