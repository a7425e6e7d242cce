using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class LifecycleProperties
{
    /// <summary>Runs of up to 300 moves of the world; a failing one shrinks to the few moves that make it fail.</summary>
    internal static readonly Arbitrary<WorldMove[]> Runs = WorldMove.Runs(300);

    /// <summary>Tiny batches, memory and spool, so that spilling, reading back and shedding happen in every run.</summary>
    internal static readonly DeliveryPolicy SmallBuffers = DeliveryPolicy.Default with { MaxBatchBytes = 200, MaxBufferBytes = 1600, SpoolMaxBytes = 1200 };

    /// <summary>Every rule holds with batching across invocations too.</summary>
    [Property(MaxTest = 300)]
    public Property AnyRunFlushingAdaptivelyOrPeriodically_KeepsTheDeliveryRules() =>
        Prop.ForAll(Runs, Gen.Elements(FlushStrategy.Adaptive, new FlushStrategy(FlushMode.Periodic, 300)).ToArbitrary(), (moves, flush) =>
        {
            var policy = SmallBuffers with { Flush = flush, FlushBudgetMs = 300 };
            var run = new LifecycleSimulation(policy);
            run.Run(moves);

            Assert.True(run.Violations.Count == 0, $"run {Describe(moves)}: {string.Join("; ", run.Violations.Take(5))}");
            Assert.True(run.Exited, $"run {Describe(moves)}: never exited");
            Assert.InRange(run.MaxHeldAfterRuntimeDoneMs, 0, policy.FlushBudgetMs);
            Assert.True(run.State.Undelivered == 0 || !run.ShutdownWhileLokiHealthy || !run.ExitedBeforeDeadline,
                $"run {Describe(moves)}: exited with {run.State.Undelivered} entries unsent and time left, although Loki answered");
        });

    [Property(MaxTest = 300)]
    public Property AnyRunWithLokiAlwaysHealthy_KeepsOrder() => Prop.ForAll(Runs, moves =>
    {
        var run = new LifecycleSimulation(DeliveryPolicy.Default with { MaxBatchBytes = 200 }) { LokiAlwaysStores = true };
        run.Run(moves);

        Assert.Equal(run.Stored.Order(), run.Stored);
        Assert.Empty(run.Violations);
    });

    [Property(MaxTest = 400)]
    public Property AnyRun_KeepsTheDeliveryRules() => Prop.ForAll(Runs, moves =>
    {
        var run = new LifecycleSimulation(SmallBuffers);
        run.Run(moves);

        Assert.True(run.Violations.Count == 0, $"run {Describe(moves)}: {string.Join("; ", run.Violations.Take(5))}");
        Assert.True(run.Exited, $"run {Describe(moves)}: never exited");
    });

    [Property(MaxTest = 400)]
    public Property AnyRun_StoresEveryLineOnceInOrderOrAccountsForIt() => Prop.ForAll(Runs, StoresEveryLineOnceInOrderOrAccountsForIt);

    internal static void StoresEveryLineOnceInOrderOrAccountsForIt(WorldMove[] moves) =>
        StoresEveryLineOnceInOrderOrAccountsForIt(moves, ExecutionModel.OnDemand);

    internal static void StoresEveryLineOnceInOrderOrAccountsForIt(WorldMove[] moves, ExecutionModel model)
    {
        string described = $"{model}: {Describe(moves)}";
        var run = new LifecycleSimulation(SmallBuffers, model);
        run.Run(moves);

        var stored = run.Stored;
        var counts = stored.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var held = run.HeldLines;
        DeliveryCounters c = run.State.Counters;
        int unaccounted = 0;
        for (int id = 1; id <= run.ReceivedLines; id++)
        {
            int times = counts.GetValueOrDefault(id);
            Assert.True(times == 0 || !run.Filtered.Contains(id), $"run {described}: line {id} stored although the drop pattern matched it");
            unaccounted += times > 0 || run.Settled.Contains(id) || held.Contains(id) || run.Filtered.Contains(id) ? 0 : 1;
            Assert.True(times <= 1 || run.MayDuplicate, $"run {described}: line {id} stored {times} times without an unknown outcome");
        }
        if (!run.MayDuplicate)
        {
            // Retries, 413 splits and shedding keep the order. Entries sent to the spool under memory pressure may arrive
            // after newer ones (Loki accepts out-of-order writes within an hour), and so may those whose spill failed:
            // newer entries were pushed while the write was under way (a run found it). Every other line
            // keeps its order.
            var neverSpilled = stored.Where(id => !run.SpillAttempted.Contains(id)).ToList();
            Assert.True(neverSpilled.SequenceEqual(neverSpilled.Order()), $"run {described}: stored out of order");
        }
        // The rest were shed from a full buffer: each one counted as dropped (and reported), none silently gone.
        Assert.True(unaccounted <= c.Dropped, $"run {described}: {unaccounted} lines gone, only {c.Dropped} counted as dropped");
        Assert.True(run.State.Undelivered == 0 || !run.ShutdownWhileLokiHealthy || !run.ExitedBeforeDeadline,
            $"run {described}: exited with {run.State.Undelivered} entries unsent and time left, although Loki answered");
        Assert.True(run.Violations.Count == 0, $"run {described}: {string.Join("; ", run.Violations.Take(5))}");
        Assert.True(run.Exited, $"run {described}: never exited");
    }

    [Property(MaxTest = 300)]
    public Property AnyRun_HoldsAnInvocationNoLongerThanTheFlushBudget() => Prop.ForAll(Runs, moves =>
    {
        var policy = DeliveryPolicy.Default with { MaxBatchBytes = 200, FlushBudgetMs = 300 };
        var run = new LifecycleSimulation(policy);
        run.Run(moves);

        Assert.InRange(run.MaxHeldAfterRuntimeDoneMs, 0, policy.FlushBudgetMs);
    });

    internal static string Describe(WorldMove[] moves) => string.Join(" ", moves);

    [Fact]
    public void Backoff_RetryAfterLongerThanTheJitteredDelay_Wins()
    {
        var policy = DeliveryPolicy.Default;
        Assert.Equal(2000, PushSettlement.Backoff(policy, attempt: 0, jitter: 0.5, retryAfterMs: 2000));
        Assert.Equal(400, PushSettlement.Backoff(policy, attempt: 3, jitter: 0.5, retryAfterMs: null));
        Assert.Equal(policy.BackoffMaxMs, PushSettlement.Backoff(policy, attempt: 60, jitter: 1, retryAfterMs: long.MaxValue));
    }
}
