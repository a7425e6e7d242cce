using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>A 429 is Loki's rate limit: the retry goes out halved (a push larger than the limiter's burst never
/// passes) and later, while another invocation runs, rather than holding this one; a 5xx is waited for within the
/// flush budget, since it may pass in a moment.</summary>
public sealed class RateLimitedPushTests
{
    private const long At = 1_795_000_000_000;

    [Fact]
    public void RuntimeDone_PushAnswered429_GoesBackToNextAtOnce_WithTheBatchHalved()
    {
        var (state, push) = Flushing();

        var (after, decisions) = Lifecycle.Step(LifecycleSettings.Default, state, new PushFinished(At + 40, push.Batch.Id,
            new PushOutcome.Retryable("HTTP 429: Per stream rate limit exceeded", null, false, RateLimited: true), 0.5));

        // The first failure is told as a warning (its other stream's at debug level), then back to /event/next.
        Assert.Equal(NoticeLevel.Warn, Assert.IsType<Notified>(decisions[0]).Notice.Level);
        Assert.IsType<NextCalled>(Assert.Single(decisions.Where(d => d is not Notified)));
        Assert.True(after.Delivery.BatchCap <= push.Batch.Bytes / 2, $"batch cap {after.Delivery.BatchCap} after a push of {push.Batch.Bytes} bytes");
        Assert.Equal(push.Batch.Entries.Length, after.Buffer.Entries.Count);
    }

    [Fact]
    public void RepeatedRateLimits_HalveTheBatchDownToAFloor_NotToSingleEntries()
    {
        var (state, push) = Flushing();
        long now = At + 40;
        for (int refusal = 0; refusal < 12; refusal++)
        {
            state = Lifecycle.Step(LifecycleSettings.Default, state, new PushFinished(now, push.Batch.Id,
                new PushOutcome.Retryable("HTTP 429", null, false, RateLimited: true), 0.5)).State;
            now = Math.Max(now, state.Delivery.RetryAtMs) + 1;
            // The next invocation probes Loki while its runtime runs: the retry goes out then.
            (state, var decisions) = Lifecycle.Step(LifecycleSettings.Default, state, new InvokeReceived(now, $"r{refusal}", now + 3000));
            push = Assert.Single(decisions.OfType<PushStarted>());
        }

        Assert.Equal(PushSettlement.RateLimitedBatchFloorBytes, state.Delivery.BatchCap);
        Assert.InRange(push.Batch.Bytes, PushSettlement.RateLimitedBatchFloorBytes / 2, PushSettlement.RateLimitedBatchFloorBytes);
    }

    [Fact]
    public void RuntimeDone_PushAnswered503_WaitsForTheRetryWithinTheBudget()
    {
        var (state, push) = Flushing();

        var (_, decisions) = Lifecycle.Step(LifecycleSettings.Default, state, new PushFinished(At + 40, push.Batch.Id, new PushOutcome.Retryable("HTTP 503", null, false), 0.5));

        Assert.IsType<Notified>(decisions[0]);
        Assert.IsType<TimerArmed>(Assert.Single(decisions.Where(d => d is not Notified)));
    }

    /// <summary>An invocation whose runtime is done, with its push in flight.</summary>
    private static (ExtensionState State, PushStarted Push) Flushing()
    {
        var state = Lifecycle.Step(LifecycleSettings.Default, ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At)).State;
        state = Lifecycle.Step(LifecycleSettings.Default, state, new InvokeReceived(At, "a", At + 3000)).State;
        // 2,000 lines of about 200 bytes: a push larger than the halving's floor.
        var records = Prelude.toSeq(Enumerable.Range(0, 2000).Select(n =>
            new TelemetryRecord(At * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From($"line {n} ".PadRight(200, 'x')), null, RecordFields.None)));
        var done = new TelemetryRecord(At * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null, Utf8Line.From("{}"),
            new RecordFields { RequestId = "a", Status = "success" });
        var (flushing, decisions) = Lifecycle.Step(LifecycleSettings.Default, state, new TelemetryReceived(At + 30, [.. records, done]));
        return (flushing, Assert.IsType<PushStarted>(Assert.Single(decisions)));
    }
}
