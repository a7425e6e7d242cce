using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>No invocation waits for a record the platform has not proven it sends (<see cref="TelemetryProof"/>): a
/// platform that accepted the subscription and delivers nothing (AWS's RIE in its classic mode did, before its 202 with
/// an error was taken for the refusal it is) held every invocation until its deadline.</summary>
public sealed class TelemetryProofTests
{
    private const long At = 1_795_000_000_000;

    [Fact]
    public void ASilentPlatform_HoldsTheFirstInvocationOnlyItsBound_AndNoLaterOneAtAll()
    {
        var state = Step(Initial(), new Initialized(At)).State; // on-demand: in /event/next at once

        var (first, waiting) = Step(state, new InvokeReceived(At + 10, "a", At + 300_000));
        TimerArmed bound = Assert.IsType<TimerArmed>(Assert.Single(waiting));
        Assert.Equal(At + 10 + TelemetryProof.UnprovenWaitMs(DeliveryPolicy.Default), bound.AtMs);
        var (silent, gaveUp) = Step(first, new TimerFired(bound.AtMs));
        Assert.Contains("delivered no telemetry since the subscription", Assert.IsType<Notified>(gaveUp[0]).Notice.Text);
        Assert.IsType<NextCalled>(gaveUp[^1]);

        var (_, second) = Step(silent, new InvokeReceived(At + 5000, "b", At + 305_000));
        Assert.IsType<NextCalled>(Assert.Single(second));
    }

    [Fact]
    public void AFirstDelivery_RestoresTheWaitForRuntimeDone_ForTheInvocationInProgress()
    {
        var state = Step(Initial(), new Initialized(At)).State;
        state = Step(state, new InvokeReceived(At + 10, "a", At + 300_000)).State;

        var (proven, decisions) = Step(state, new TelemetryReceived(At + 40, [Line("a line")]));

        Assert.DoesNotContain(decisions, d => d is NextCalled);
        Phase.Invoked invoked = Assert.IsType<Phase.Invoked>(proven.Phase);
        Assert.Equal(At + 300_000 - DeliveryPolicy.Default.DeadlineMarginMs - DeliveryPolicy.Default.TimeoutFlushReserveMs, invoked.GiveUpAtMs);
        var (_, done) = Step(proven, new TelemetryReceived(At + 60, [RuntimeDone("a")]));
        Assert.Contains(done, d => d is PushStarted);
    }

    [Fact]
    public void WithoutPlatformRecords_NoInvocationWaitsForARuntimeDoneThatCannotCome()
    {
        var settings = LifecycleSettings.Default with { SeesPlatformRecords = false };
        var state = Lifecycle.Step(settings, Initial(), new Initialized(At)).State;
        state = Lifecycle.Step(settings, state, new TelemetryReceived(At + 5, [Line("proof: the platform delivers")])).State;
        state = Lifecycle.Step(settings, state, new TimerFired(At + 6)).State;

        var (_, decisions) = Lifecycle.Step(settings, state with { Buffer = EntryBuffer.Empty }, new InvokeReceived(At + 10, "a", At + 300_000));

        // Back to /event/next at once: its lines go out with a later invocation (or SHUTDOWN).
        Assert.IsType<NextCalled>(Assert.Single(decisions));
    }

    private static ExtensionState Initial() => ExtensionState.Initial(DeliveryPolicy.Default);

    private static (ExtensionState State, Seq<Decision> Decisions) Step(ExtensionState state, Observation observation) =>
        Lifecycle.Step(LifecycleSettings.Default, state, observation);

    private static TelemetryRecord Line(string text) =>
        new(At * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From(text), null, RecordFields.None);

    private static TelemetryRecord RuntimeDone(string requestId) => new(At * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null,
        Utf8Line.From("{}"), new RecordFields { RequestId = requestId, Status = "success" });
}
