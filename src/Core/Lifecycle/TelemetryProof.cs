namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>No invocation waits for a record the platform has not proven it sends. An accepted subscription promises
/// records, but a platform can accept and deliver nothing (AWS's Runtime Interface Emulator did, answering 202 with
/// an error, which is now a refusal; another may do the same with a plain 202): waiting for <c>runtimeDone</c> there held
/// every invocation until its deadline. So until the first delivery after subscribing, an invocation waits for
/// telemetry at most <see cref="UnprovenWaitMs"/>; once one has waited so in vain, none waits at all, said once; the
/// first delivery restores the usual wait, for the invocation in progress too.</summary>
internal static class TelemetryProof
{
    /// <summary>How long past the platform's own buffering an unproven platform is given to deliver an invocation's
    /// first record (its <c>platform.start</c> is sent as the invocation begins).</summary>
    private const long UnprovenGraceMs = 1000;

    public static long UnprovenWaitMs(DeliveryPolicy policy) => policy.LingerMs + UnprovenGraceMs;

    /// <summary>When an invocation stops waiting for <c>runtimeDone</c>: near its deadline once the platform has delivered
    /// something; within a bound before that; at once while the platform has stayed silent, and always when the
    /// subscription asked for no platform records (<c>runtimeDone</c> is one: it never comes).</summary>
    public static long GiveUpAt(LifecycleSettings settings, ExtensionState state, long deadlineMs)
    {
        long proven = ProvenGiveUpAt(settings.Policy, deadlineMs);
        return !settings.SeesPlatformRecords ? state.NowMs
            : state.Invocation.TelemetrySeen ? proven
            : state.Invocation.PlatformSilent ? state.NowMs
            : Math.Min(proven, state.NowMs + UnprovenWaitMs(settings.Policy));
    }

    /// <summary>A delivery came: the platform sends, and the invocation in progress waits as usual.</summary>
    public static ExtensionState Delivered(LifecycleSettings settings, ExtensionState state)
    {
        if (state.Invocation.TelemetrySeen)
        {
            return state;
        }
        state = state with { Invocation = state.Invocation with { TelemetrySeen = true, PlatformSilent = false } };
        return settings.SeesPlatformRecords && state.Phase is Phase.Invoked { RuntimeDone: false } invoked
            ? state with { Phase = invoked with { GiveUpAtMs = ProvenGiveUpAt(settings.Policy, invoked.DeadlineMs) } }
            : state;
    }

    /// <summary>An invocation's wait for a first delivery ran out: from now on none waits, until one comes.</summary>
    public static ExtensionState WaitedInVain(ExtensionState state) =>
        state.Shipping && state.Phase is Phase.Invoked invoked && !state.Invocation.TelemetrySeen && !state.Invocation.PlatformSilent && state.NowMs >= invoked.GiveUpAtMs
            ? (state with { Invocation = state.Invocation with { PlatformSilent = true } }).Tell(NoticeLevel.Warn,
                "the platform has delivered no telemetry since the subscription was accepted; invocations are not held for it " +
                "until it does (lines that arrive later are pushed with a later invocation)")
            : state;

    private static long ProvenGiveUpAt(DeliveryPolicy policy, long deadlineMs) => deadlineMs - policy.DeadlineMarginMs - policy.TimeoutFlushReserveMs;
}
