using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>When to push, when to call <c>/event/next</c>, when to wake: at the end of init, during an invocation, while
/// waiting on a never-frozen Managed Instance, and at SHUTDOWN.</summary>
internal static class DeliveryDecisions
{
    /// <summary>On Managed Instances, how often pushes go out while lines arrive (sooner when a batch is full).</summary>
    public const long NeverFrozenPeriodMs = 1000;

    /// <summary>At SHUTDOWN, how much longer than the usual linger to wait for the last invocation's REPORT.</summary>
    private const long ReportWaitMs = 1000;

    /// <summary>Kept free before the SHUTDOWN exit deadline to spill what is left (a local write of a few MiB).</summary>
    private const long ShutdownSpillReserveMs = 100;

    /// <summary>No push starts with less than this left before its cut-off (200 ms, or half the flush budget when shorter):
    /// a retry started a few milliseconds before the end of an invocation's flush window was cut before its answer
    /// could come, and a push cut after it was sent is counted as maybe duplicated (and may be).</summary>
    internal static long MinPushWindowMs(DeliveryPolicy policy) => Math.Min(200, policy.FlushBudgetMs / 2);

    /// <summary>Whether pushes are batched across invocations now rather than made at the end of each.</summary>
    public static bool FlushesPeriodically(LifecycleSettings settings, ExtensionState state) => settings.Policy.Flush.Mode switch
    {
        FlushMode.Periodic => true,
        FlushMode.Adaptive => state.Traffic.GapAverageMs < FlushStrategy.BusyGapMs,
        _ => false,
    };

    /// <summary>Before the first <c>/event/next</c>. Where init lines are pushed then, wait for the runtime's init to end,
    /// push what it logged within the flush budget, and only then go on: the environment may be snapshotted (SnapStart)
    /// or wait hours for its first invocation (provisioned concurrency) once the extension is in /event/next.</summary>
    public static Option<Decision> AtInitEnd(LifecycleSettings settings, ExtensionState state, Phase.EndingInit init)
    {
        if (!settings.Model.PushesInit())
        {
            return new NextCalled();
        }
        DeliveryState delivery = state.Delivery;
        if (delivery.IsPushing || state.Spool.Loading.IsSome)
        {
            return None;
        }
        long now = state.NowMs;
        if (!init.RuntimeDone && now < init.GiveUpAtMs)
        {
            return ArmTimer(state, init.GiveUpAtMs);
        }
        long flushUntil = init.FlushUntilMs.IfNone(init.GiveUpAtMs + settings.Policy.FlushBudgetMs);
        long startUntil = flushUntil - MinPushWindowMs(settings.Policy);
        if (!state.Buffer.IsEmpty && now >= delivery.RetryAtMs && now < startUntil)
        {
            return TakeBatch(state, notAfterMs: flushUntil);
        }
        if (state.Buffer.IsEmpty || now >= startUntil || delivery.RetryAtMs >= startUntil || delivery.RateLimited)
        {
            return new NextCalled(); // what is left goes out with the first invocation
        }
        return ArmTimer(state, Math.Min(startUntil, delivery.RetryAtMs));
    }

    /// <summary>Managed Instances: the environment is never frozen and <c>/event/next</c> only ever returns SHUTDOWN, so
    /// nothing waits for an event: a push goes out once a period has passed since the last one, sooner when a batch is
    /// full, for the whole life of the process.</summary>
    public static Option<Decision> NeverFrozen(LifecycleSettings settings, ExtensionState state)
    {
        DeliveryState delivery = state.Delivery;
        if (delivery.IsPushing || state.Spool.Loading.IsSome || state.Buffer.IsEmpty)
        {
            return None; // the next push's end or the next telemetry wakes the core
        }
        long now = state.NowMs;
        bool full = state.Buffer.Bytes >= delivery.BatchCap;
        long dueAt = full ? delivery.RetryAtMs : Math.Max(state.Traffic.LastPushAtMs + NeverFrozenPeriodMs, delivery.RetryAtMs);
        return now >= dueAt ? TakeBatch(state, notAfterMs: now + settings.Policy.FlushBudgetMs) : ArmTimer(state, dueAt);
    }

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
        long startUntil = flushUntil - MinPushWindowMs(policy);
        bool flushing = invoked.RuntimeDone || now >= invoked.GiveUpAtMs;
        bool mayPush = !buffer.IsEmpty && now >= delivery.RetryAtMs && now < startUntil;
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
        if (flushing && (nothingToPush || now >= startUntil || delivery.RetryAtMs >= startUntil || (delivery.RateLimited && now < delivery.RetryAtMs)))
        {
            // Done, or out of budget, or held back by Loki's rate limits (which waiting here cannot lift): what is left
            // stays buffered and goes out with a later invocation.
            return new NextCalled();
        }
        long wakeAt = flushing ? Math.Min(startUntil, delivery.RetryAtMs)
            : delivery.RetryAtMs > now && !buffer.IsEmpty && (probe || buffer.Bytes >= delivery.BatchCap)
                ? Math.Min(delivery.RetryAtMs, invoked.GiveUpAtMs)
                : invoked.GiveUpAtMs;
        return ArmTimer(state, wakeAt);
    }

    /// <summary>At SHUTDOWN, spool files are read back while a push can follow, or, with the archive, an archive write.</summary>
    public static bool MayLoadSpool(LifecycleSettings settings, ExtensionState state) => state.Phase switch
    {
        Phase.ShuttingDown shutdown when Archiving.IsOn(settings) => state.NowMs < ArchiveUntil(state, shutdown),
        Phase.ShuttingDown shutdown => state.NowMs < PushUntil(settings, state, shutdown) && state.Delivery.RetryAtMs < PushUntil(settings, state, shutdown),
        _ => true,
    };

    /// <summary>With the archive, pushing stops early enough to archive what Loki did not take; with a spool, a little
    /// before the exit deadline, to spill what is left, for a reused environment (after a timeout or a crash Lambda
    /// restarts the extension and /tmp survives).</summary>
    private static long PushUntil(LifecycleSettings settings, ExtensionState state, Phase.ShuttingDown shutdown) =>
        ArchiveUntil(state, shutdown) - (Archiving.IsOn(settings) ? Archiving.ShutdownReserveMs : 0);

    /// <summary>Archive writes at SHUTDOWN end where the spill's reserve begins.</summary>
    public static long ArchiveUntil(ExtensionState state, Phase.ShuttingDown shutdown) =>
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
        long pushUntil = PushUntil(settings, state, shutdown);
        long startUntil = pushUntil - MinPushWindowMs(settings.Policy);
        long archiveUntil = ArchiveUntil(state, shutdown);
        if (!state.Buffer.IsEmpty && now >= delivery.RetryAtMs && now < startUntil)
        {
            return TakeBatch(state, notAfterMs: pushUntil);
        }
        // Quiet: the platform's last delivery had its time, and the last invocation's REPORT came (or was waited for).
        bool reportDue = state.Invocation.ReportDue is not null;
        bool quiet = now >= shutdown.QuietUntilMs && (!reportDue || now >= shutdown.QuietUntilMs + ReportWaitMs);
        bool nothingLeft = state.Buffer.IsEmpty && spool.IsIdle && spool.Files.IsEmpty && state.Archive.IsIdle;
        bool givingUp = now >= startUntil || (quiet && delivery.RetryAtMs >= startUntil);
        // Given up on Loki: the archive first (the environment is going away), then the spool for what it did not take.
        if (givingUp && Archiving.AtShutdown(settings, state, archiveUntil).Case is Decision archive)
        {
            return archive;
        }
        bool archiving = Archiving.Waits(settings, state, archiveUntil) && now < archiveUntil;
        if (givingUp && !archiving && now < shutdown.ExitByMs && Spooling.SpillOldest(settings, state).Case is Decision spill)
        {
            return spill;
        }
        if ((quiet && nothingLeft) || now >= shutdown.ExitByMs || (givingUp && spool.Spilling.IsNone && !archiving))
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
        if (startUntil > now)
        {
            wakeAt = Math.Min(wakeAt, startUntil);
        }
        if (archiving && state.Archive.RetryAtMs > now)
        {
            wakeAt = Math.Min(wakeAt, state.Archive.RetryAtMs);
        }
        if (archiving && archiveUntil > now)
        {
            wakeAt = Math.Min(wakeAt, archiveUntil);
        }
        return ArmTimer(state, wakeAt);
    }

    private static Option<Decision> ArmTimer(ExtensionState state, long atMs) =>
        atMs > state.NowMs && !(state.TimerAtMs.Case is long armed && armed == atMs) ? new TimerArmed(atMs) : None;

    private static Decision TakeBatch(ExtensionState state, long notAfterMs)
    {
        PushBatch batch = state.Buffer.Oldest(state.Delivery.NextBatchId, state.Delivery.BatchCap);
        return new PushStarted(batch, notAfterMs, TenantHeaders.For(state.Access.LokiHeaders.IfNone(Seq<HttpHeader>()), batch.Tenant));
    }
}
