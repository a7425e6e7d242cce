namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The numbers that bound delivery. They come from configuration, as values.</summary>
/// <param name="MaxBatchBytes">Line bytes per push: 2 MiB, so an invocation's lines usually go in one push, well inside
/// Loki's default per-tenant burst (6 MB); Promtail's batches are 1 MiB.</param>
/// <param name="FlushBudgetMs">How long after <c>runtimeDone</c> the extension may hold the invocation to flush.</param>
/// <param name="DeadlineMarginMs">Kept free before an invoke's deadline: flushing never runs into the function's timeout.</param>
/// <param name="TimeoutFlushReserveMs">When the runtime is not done this long before the deadline margin, stop waiting
/// for it and flush what there is: a function that times out still gets its lines into Loki before the freeze.</param>
/// <param name="ShutdownMarginMs">Kept free before the SHUTDOWN deadline, for the process to exit before SIGKILL.</param>
/// <param name="LingerMs">After SHUTDOWN, how long to wait for the platform's last telemetry delivery.</param>
/// <param name="BackoffBaseMs">First retry delay; doubles per attempt, with full jitter.</param>
/// <param name="BackoffMaxMs">Largest retry delay.</param>
/// <param name="MaxBufferBytes">Entries held in memory, at most; beyond it, lines are shed by priority.</param>
/// <param name="SpoolMaxBytes">Entries held in the spool on /tmp, at most; 0 turns the spool off.</param>
/// <param name="Flush">When lines are pushed: at the end of each invocation, periodically, or adaptively.</param>
internal sealed record DeliveryPolicy(
    long MaxBatchBytes,
    long FlushBudgetMs,
    long DeadlineMarginMs,
    long TimeoutFlushReserveMs,
    long ShutdownMarginMs,
    long LingerMs,
    long BackoffBaseMs,
    long BackoffMaxMs,
    long MaxBufferBytes,
    long SpoolMaxBytes,
    FlushStrategy Flush)
{
    public static DeliveryPolicy Default { get; } = new(
        MaxBatchBytes: 2 * 1024 * 1024,
        FlushBudgetMs: 1000,
        DeadlineMarginMs: 100,
        TimeoutFlushReserveMs: 250,
        ShutdownMarginMs: 300,
        LingerMs: 100,
        BackoffBaseMs: 100,
        BackoffMaxMs: 30_000,
        MaxBufferBytes: 16L * 1024 * 1024,
        SpoolMaxBytes: 64L * 1024 * 1024,
        Flush: FlushStrategy.End);

    /// <summary>From here on, the oldest entries are spilled to the spool, before the hard cap forces shedding.</summary>
    public long SpillAboveBytes => MaxBufferBytes / 4 * 3;
}
