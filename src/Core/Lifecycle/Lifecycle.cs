using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The extension's lifecycle as a Decider: <see cref="Evolve"/> folds an event into the state,
/// <see cref="Decide"/> says what to do next from a state. <see cref="Step"/> runs one observation through both.
/// Two rules carry the delivery guarantees: no push while waiting in <c>/event/next</c> (the sandbox may freeze
/// mid-request, and a cut push is re-sent as a duplicate), and no <c>/event/next</c> while a push is in flight.
/// Intake (<see cref="Intake"/>), delivery decisions (<see cref="DeliveryDecisions"/>), Loki's answers
/// (<see cref="PushSettlement"/>), the spool (<see cref="Spooling"/>), the S3 archive (<see cref="Archiving"/>) and SnapStart
/// restores (<see cref="Restores"/>)
/// each have a file of their own.
/// The execution model (<see cref="LifecycleSettings.Model"/>) chooses the mode: on-demand as above; provisioned
/// concurrency and SnapStart push the init lines before the first <c>/event/next</c>; SnapStart also handles its
/// restore; Managed Instances are never frozen, so they push on a timer while waiting in <c>/event/next</c>.</summary>
public static class Lifecycle
{
    /// <summary>What every line the extension prints starts with (the shell's log prefix).</summary>
    public const string OwnLinePrefix = "[loki-lambda-extension]";

    /// <summary>When <c>/event/next</c> fails, how long is left to flush before exiting.</summary>
    internal const long NextFailedGraceMs = 1000;

    /// <summary>Where init lines are pushed before the first <c>/event/next</c>, how long to wait for the runtime's
    /// <c>platform.initRuntimeDone</c>: within the 10 s the platform gives an on-demand init, in case that record never
    /// comes. The runtime's own init usually ends first, and waiting for it costs no caller anything.</summary>
    internal const long InitRuntimeWaitMs = 9000;

    /// <summary>Folds <paramref name="observation"/> into the state, then decides and folds each decision in turn.</summary>
    public static (ExtensionState State, Seq<Decision> Decisions) Step(LifecycleSettings settings, ExtensionState state, Observation observation)
    {
        state = Evolve(settings, state, observation);
        var decisions = Seq<Decision>();
        // Each decision changes what can be decided next (a push makes /next impossible); stop when nothing is left.
        while (Decide(settings, state).Case is Decision decision)
        {
            state = Evolve(settings, state, decision);
            decisions = decisions.Add(decision);
        }
        return (state, decisions);
    }

    internal static ExtensionState Evolve(LifecycleSettings settings, ExtensionState state, Event e) => e switch
    {
        // The shell's clock is monotonic, and time never goes backwards inside the core either.
        Observation o => Observe(settings, state with { NowMs = Math.Max(state.NowMs, o.NowMs) }, o),
        PushStarted d => state with
        {
            Buffer = state.Buffer.Without(d.Batch),
            Delivery = state.Delivery with { InFlight = d.Batch, NextBatchId = d.Batch.Id + 1 },
            Traffic = state.Traffic with { LastPushAtMs = state.NowMs },
            Counters = state.Counters with { Pushes = state.Counters.Pushes + d.Batch.Streams().Count() },
        },
        SpillStarted d => Spooling.Started(state, d),
        SpoolLoadStarted d => Spooling.LoadStarted(state, d),
        ArchiveStarted d => Archiving.Started(state, d),
        CredentialsFetchStarted or SecretsFetchStarted => AwsAccess.Evolve(settings, state, e),
        NextCalled => state with { Phase = new Phase.AwaitingEvent(), Snapshot = state.Snapshot with { InitEnded = true } },
        ConnectionsRenewed => state with { Snapshot = state.Snapshot with { ConnectionsStale = false } },
        TimerArmed d => state with { TimerAtMs = d.AtMs },
        Notified => state with { Notices = state.Notices.WithoutFirst() },
        ExitRequested => state with { Phase = new Phase.Exited() },
        // Every decision is folded above: a new one that is not fails EveryEventIsFolded (and, shipped, stops shipping
        // through the loop's guard rather than pass unseen).
        _ => throw new System.Diagnostics.UnreachableException($"{e.GetType().Name} is not folded by Lifecycle.Evolve"),
    };

    private static ExtensionState Observe(LifecycleSettings settings, ExtensionState state, Observation o) => o switch
    {
        Initialized when state.Phase is Phase.Initializing initializing => state with
        {
            Phase = new Phase.EndingInit(state.NowMs + (settings.Model.PushesInit() && settings.SeesPlatformRecords ? InitRuntimeWaitMs : 0),
                initializing.RuntimeDone ? state.NowMs + settings.Policy.FlushBudgetMs : None),
        },
        InvokeReceived invoke => Intake.Invoked(settings, Restores.AfterEvent(settings, state, invoke.Draw), invoke),
        ShutdownReceived shutdown => ShuttingDown(settings, Restores.AfterEvent(settings, state, shutdown.Draw), shutdown.DeadlineMs),
        NextFailed failed => ShuttingDown(settings, state, state.NowMs + NextFailedGraceMs)
            .Tell(NoticeLevel.Error, $"event/next failed ({failed.Reason}); flushing and exiting"),
        ShippingStopped stopped => Stopped(state, stopped.Reason),
        TimerFired => TelemetryProof.WaitedInVain(state with { TimerAtMs = None }),
        IntakeTroubled trouble => Intake.Troubled(state, trouble),
        _ when !state.Shipping => state, // nothing is shipped: telemetry and late answers change nothing
        TelemetryReceived { Digest: { } digest } telemetry => state.Bodies.Admit(digest, state.NowMs) switch
        {
            (true, _) => state with { Counters = state.Counters with { Redelivered = state.Counters.Redelivered + 1 } },
            (false, var recent) => Intake.Received(settings, state with { Bodies = recent }, telemetry),
        },
        TelemetryReceived telemetry => Intake.Received(settings, state, telemetry),
        PushFinished finished => PushSettlement.Finished(settings, state, finished),
        SpillFinished spilled => Spooling.Finished(settings, state, spilled),
        SpoolLoaded loaded => Spooling.Loaded(state, loaded),
        SpoolFound found => Spooling.Found(state, found),
        ArchiveFinished archived => Archiving.Finished(settings, state, archived),
        CredentialsFetched or SecretsFetched => AwsAccess.Evolve(settings, state, o),
        Initialized => state, // after init: only the time moves
        _ => throw new System.Diagnostics.UnreachableException($"{o.GetType().Name} is not folded by Lifecycle.Observe"),
    };

    /// <summary>The last chance outweighs backoff politeness: whatever is pending gets one more try before exit.</summary>
    private static ExtensionState ShuttingDown(LifecycleSettings settings, ExtensionState state, long deadlineMs)
    {
        long exitBy = deadlineMs - settings.Policy.ShutdownMarginMs;
        return state with
        {
            Delivery = state.Delivery with { RetryAtMs = Math.Min(state.Delivery.RetryAtMs, state.NowMs) },
            Access = state.Access with { RetryAtMs = Math.Min(state.Access.RetryAtMs, state.NowMs) },
            Phase = new Phase.ShuttingDown(ExitByMs: exitBy, QuietUntilMs: Math.Min(state.NowMs + settings.Policy.LingerMs, exitBy)),
        };
    }

    /// <summary>Shipping off from here on: what memory holds is lost and counted; the spool stays on /tmp for a later
    /// process of this environment.</summary>
    private static ExtensionState Stopped(ExtensionState state, string reason)
    {
        long lost = state.Buffer.Count + state.Delivery.InFlight.Map(b => (long)b.Entries.Length).IfNone(0);
        return (state with
        {
            Shipping = false,
            Buffer = EntryBuffer.Empty,
            Delivery = state.Delivery with { InFlight = None },
            Counters = state.Counters with { Dropped = state.Counters.Dropped + lost },
        }).Tell(NoticeLevel.Error, $"{reason}; the function is unaffected, logs are not shipped" + (lost > 0 ? $" ({lost} buffered entries lost)" : ""));
    }

    /// <summary>What to do now: at most one decision; <see cref="Step"/> asks again after folding it in. While an archive
    /// write is under way, <c>/event/next</c> waits for it as for a push, and so does the exit, up to its deadline.</summary>
    internal static Option<Decision> Decide(LifecycleSettings settings, ExtensionState state) => Next(settings, state) switch
    {
        { Case: NextCalled } when state.Archive.IsWriting || state.Access.IsFetching => None,
        { Case: ExitRequested } when (state.Archive.IsWriting || state.Access.IsFetching) && state.Phase is Phase.ShuttingDown s && state.NowMs < s.ExitByMs => None,
        var decision => decision,
    };

    private static Option<Decision> Next(LifecycleSettings settings, ExtensionState state) => state.Phase switch
    {
        _ when state.Notices.HeadOrNone().Case is Notice notice => new Notified(notice),
        Phase.Initializing or Phase.Exited => None,
        _ when !state.Shipping => DecideWithoutShipping(state),
        _ when state.Snapshot.ConnectionsStale => new ConnectionsRenewed(),
        _ when AwsAccess.Decide(settings, state).Case is Decision fetch => fetch,
        _ when Spooling.Decide(settings, state, mayLoad: DeliveryDecisions.MayLoadSpool(settings, state)).Case is Decision spool => spool,
        _ when Archiving.Decide(settings, state).Case is Decision archive => archive,
        Phase.EndingInit init => DeliveryDecisions.AtInitEnd(settings, AwsAccess.DeliveryView(state), init),
        Phase.Invoked invoked => DeliveryDecisions.DuringInvocation(settings, AwsAccess.DeliveryView(state), invoked),
        Phase.ShuttingDown shutdown => DeliveryDecisions.AtShutdown(settings, AwsAccess.DeliveryView(state), shutdown),
        Phase.AwaitingEvent when settings.Model.NeverFrozen() => DeliveryDecisions.NeverFrozen(settings, AwsAccess.DeliveryView(state)),
        _ => None, // AwaitingEvent: never push while the sandbox may freeze.
    };

    /// <summary>Shipping off: serve the lifecycle and nothing else, so the function never waits on the extension.</summary>
    private static Option<Decision> DecideWithoutShipping(ExtensionState state) => state.Phase switch
    {
        Phase.EndingInit or Phase.Invoked => new NextCalled(),
        Phase.ShuttingDown => new ExitRequested(0, "shipping was off; " + state.Counters.Summary(state.Undelivered)),
        _ => None,
    };
}
