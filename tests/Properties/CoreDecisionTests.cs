using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>Outcomes the shell used to decide on are decided in the core: a push that crashed inside the extension, a
/// failed <c>/event/next</c>, shipping that stops, and what is told about Loki's answers.</summary>
public sealed class CoreDecisionTests
{
    private const long At = 1_795_000_000_000;
    private static readonly LifecycleSettings Settings = LifecycleSettings.Default;

    [Fact]
    public void CrashedPush_IsRetriedTwice_ThenCountedAsPushCrashed_NotAsARejection()
    {
        var (state, push) = Flushing();
        long now = At + 40;
        for (int attempt = 0; attempt <= PushSettlement.CrashRetries; attempt++)
        {
            Assert.Equal(0, state.Counters.Dropped);
            state = Step(state, new PushFinished(now, push.Batch.Id, new PushOutcome.Crashed("NullReferenceException: oops"), 0.5)).State;
            now = Math.Max(now, state.Delivery.RetryAtMs) + 1;
            if (attempt < PushSettlement.CrashRetries)
            {
                (state, var decisions) = Step(state, new InvokeReceived(now, $"r{attempt}", now + 3000));
                push = Assert.Single(decisions.OfType<PushStarted>());
            }
        }

        Assert.Equal(2, state.Counters.Dropped); // the line and the runtimeDone record
        Assert.Equal(0, state.Counters.Rejected);
        // One loss report per stream (the function's line, the platform's runtimeDone), each under its own cause.
        LogEntry[] reports = [.. state.Buffer.Entries.Where(e => e.Stream == StreamKind.Extension)];
        Assert.Equal(2, reports.Length);
        Assert.All(reports, r => Assert.Contains(r.Metadata.Span.ToArray(), p => p is { Name: "cause", Value: "push_crashed" }));
    }

    [Fact]
    public void NextFailed_FlushesWhatIsLeft_ThenExits_AndSaysWhy()
    {
        var state = Step(ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At)).State;
        state = Step(state, new TelemetryReceived(At + 5, [Line("logged during init")])).State;

        var (pushing, decisions) = Step(state, new NextFailed(At + 10, "connection refused"));

        Assert.Contains("event/next failed (connection refused)", Assert.IsType<Notified>(decisions[0]).Notice.Text);
        PushStarted push = Assert.IsType<PushStarted>(decisions[1]);
        Assert.InRange(push.NotAfterMs, At + 10, At + 10 + Lifecycle.NextFailedGraceMs);
        var (lingering, waiting) = Step(pushing, new PushFinished(At + 20, push.Batch.Id, new PushOutcome.Delivered(), 0));
        TimerArmed linger = Assert.IsType<TimerArmed>(Assert.Single(waiting));
        var (_, exit) = Step(lingering, new TimerFired(linger.AtMs));
        Assert.Contains("sent=1", Assert.IsType<ExitRequested>(Assert.Single(exit)).Summary);
    }

    [Fact]
    public void ShippingStopped_ServesTheLifecycleAlone_AndLosesOnlyWhatMemoryHeld()
    {
        var state = Step(ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At)).State;
        state = Step(state, new TelemetryReceived(At + 5, [Line("buffered")])).State;

        var (stopped, told) = Step(state, new ShippingStopped(At + 6, "Logs API subscription refused too"));
        var (_, invoked) = Step(stopped, new InvokeReceived(At + 10, "a", At + 3010));
        var (_, afterTelemetry) = Step(stopped with { Phase = new Phase.AwaitingEvent() }, new TelemetryReceived(At + 11, [Line("later")]));
        var (_, shutdown) = Step(stopped, new ShutdownReceived(At + 20, At + 2020, "spindown"));

        Assert.Equal(NoticeLevel.Error, Assert.IsType<Notified>(Assert.Single(told)).Notice.Level);
        Assert.Equal(1, stopped.Counters.Dropped);
        Assert.IsType<NextCalled>(Assert.Single(invoked));
        Assert.Empty(afterTelemetry);
        Assert.IsType<ExitRequested>(Assert.Single(shutdown));
    }

    [Fact]
    public void ARefusal_IsToldOncePerDistinctMessage_AndARecoveryAfterFailures_Once()
    {
        var (state, push) = Flushing();
        var refused = new PushOutcome.Rejected(401, "invalid token");

        var (_, first) = Step(state, new PushFinished(At + 40, push.Batch.Id, refused, 0.5));
        var (afterFailure, _) = Step(state, new PushFinished(At + 40, push.Batch.Id, new PushOutcome.Retryable("HTTP 503", null, false), 0.5));

        Notice credentials = Assert.Single(first.OfType<Notified>()).Notice;
        Assert.Contains(OutcomeWords.CredentialVariables, credentials.Text);
        long now = afterFailure.Delivery.RetryAtMs + 1;
        var (retrying, decisions) = Step(afterFailure, new InvokeReceived(now, "b", now + 3000));
        var (_, recovered) = Step(retrying, new PushFinished(now + 5, Assert.Single(decisions.OfType<PushStarted>()).Batch.Id, new PushOutcome.Delivered(), 0.5));
        Assert.Contains(recovered.OfType<Notified>(), n => n.Notice.Text.Contains("answers again", StringComparison.Ordinal));
    }

    [Fact]
    public void ARedirect_AfterAFailureOfAnotherKind_IsStillSaidAsAConfigurationError_Once()
    {
        var (state, push) = Flushing();
        var timedOut = new PushOutcome.Retryable("timed out", null, true);
        PushOutcome redirected = PushOutcome.FromStatus(307, "", null, "http://elsewhere/loki/api/v1/push");

        (state, var first) = Step(state, new PushFinished(At + 40, push.Batch.Id, timedOut, 0.5));
        var told = new List<Notice>(first.OfType<Notified>().Select(n => n.Notice));
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long now = state.Delivery.RetryAtMs + 1;
            (state, var decisions) = Step(state, new InvokeReceived(now, $"r{attempt}", now + 3000));
            PushStarted retry = Assert.Single(decisions.OfType<PushStarted>());
            (state, decisions) = Step(state, new PushFinished(now + 5, retry.Batch.Id, redirected, 0.5));
            told.AddRange(decisions.OfType<Notified>().Select(n => n.Notice));
        }

        Assert.Equal(NoticeLevel.Warn, told[0].Level);
        Notice configurationError = Assert.Single(told, n => n.Level == NoticeLevel.Error);
        Assert.Contains("configuration error: Loki at", configurationError.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP 307, redirecting to http://elsewhere/", configurationError.Text, StringComparison.Ordinal);
    }

    private static (ExtensionState State, Seq<Decision> Decisions) Step(ExtensionState state, Observation observation) =>
        Lifecycle.Step(Settings, state, observation);

    /// <summary>An invocation whose runtime is done, with the push of its one line (and its runtimeDone) in flight.</summary>
    private static (ExtensionState State, PushStarted Push) Flushing()
    {
        var state = Step(ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At)).State;
        state = Step(state, new InvokeReceived(At, "a", At + 3000)).State;
        var done = new TelemetryRecord(At * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null, Utf8Line.From("{}"),
            new RecordFields { RequestId = "a", Status = "success" });
        var (flushing, decisions) = Step(state, new TelemetryReceived(At + 30, [Line("one line"), done]));
        return (flushing, Assert.IsType<PushStarted>(Assert.Single(decisions)));
    }

    private static TelemetryRecord Line(string text) =>
        new(At * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From(text), null, RecordFields.None);
}
