using System.Runtime.InteropServices;
using LanguageExt;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The extension's lifecycle as a Decider: <see cref="Evolve"/> folds an event into the state,
/// <see cref="Decide"/> says what to do next from a state. <see cref="Step"/> runs one observation through both.
/// Two rules carry the delivery guarantees: no push while waiting in <c>/event/next</c> (the sandbox may freeze
/// mid-request, and a cut push is re-sent as a duplicate), and no <c>/event/next</c> while a push is in flight.</summary>
public static class Lifecycle
{
    private const int RecentRuntimeDoneKept = 8;

    /// <summary>At SHUTDOWN, how much longer than the usual linger to wait for the last invocation's REPORT.</summary>
    private const long ReportWaitMs = 1000;

    /// <summary>Kept free before the SHUTDOWN exit deadline to spill what is left (a local write of a few MiB).</summary>
    private const long ShutdownSpillReserveMs = 100;

    /// <summary>What every line the extension prints starts with (the shell's log prefix).</summary>
    public const string OwnLinePrefix = "[loki-lambda-extension]";

    private static readonly byte[] OwnLinePrefixUtf8 = System.Text.Encoding.UTF8.GetBytes(OwnLinePrefix);

    /// <summary>Folds <paramref name="observation"/> into the state, then decides and folds each decision in turn.</summary>
    public static (ExtensionState State, Seq<Decision> Decisions) Step(ExtensionState state, Observation observation)
    {
        state = Evolve(state, observation);
        var decisions = Seq<Decision>();
        // Each decision changes what can be decided next (a push makes /next impossible); stop when nothing is left.
        while (Decide(state).HeadOrNone().Case is Decision decision)
        {
            state = Evolve(state, decision);
            decisions = decisions.Add(decision);
        }
        return (state, decisions);
    }

    public static ExtensionState Evolve(ExtensionState state, Event e) => e switch
    {
        // The shell's clock is monotonic, but time never goes backwards inside the core either.
        Observation o => Observe(state with { NowMs = Math.Max(state.NowMs, o.NowMs) }, o),
        PushStarted d => state with
        {
            InFlight = d.Batch,
            Pending = state.Pending.Skip(d.Batch.Entries.Length),
            ReadBack = Math.Max(0, state.ReadBack - d.Batch.Entries.Length),
            Traffic = state.Traffic with { LastPushAtMs = state.NowMs },
            PendingBytes = state.PendingBytes - d.Batch.Bytes,
            NextBatchId = d.Batch.Id + 1,
            Counters = state.Counters with { Pushes = state.Counters.Pushes + d.Batch.Streams().Count() },
        },
        SpillStarted d => Spooling.Started(state, d),
        SpoolLoadStarted d => Spooling.LoadStarted(state, d),
        NextCalled => state with { Phase = new Phase.AwaitingEvent() },
        TimerArmed d => state with { TimerAtMs = d.AtMs },
        ExitRequested => state with { Phase = new Phase.Exited() },
        _ => state,
    };

    private static ExtensionState Observe(ExtensionState state, Observation o) => o switch
    {
        InvokeReceived invoke => Invoked(state, invoke),
        // The last chance outweighs backoff politeness: whatever is pending gets one more try before exit.
        ShutdownReceived shutdown => state with
        {
            RetryAtMs = Math.Min(state.RetryAtMs, state.NowMs),
            Phase = new Phase.ShuttingDown(
                ExitByMs: shutdown.DeadlineMs - state.Policy.ShutdownMarginMs,
                QuietUntilMs: Math.Min(state.NowMs + state.Policy.LingerMs, shutdown.DeadlineMs - state.Policy.ShutdownMarginMs)),
        },
        TelemetryReceived { Digest: { } digest } telemetry => state.Bodies.Admit(digest, state.NowMs) switch
        {
            (true, _) => state with { Counters = state.Counters with { Redelivered = state.Counters.Redelivered + 1 } },
            (false, var recent) => Received(state with { Bodies = recent }, telemetry.Records),
        },
        TelemetryReceived telemetry => Received(state, telemetry.Records),
        PushFinished finished => PushSettlement.Finished(state, finished),
        SpillFinished spilled => Spooling.Finished(state, spilled),
        SpoolLoaded loaded => Spooling.Loaded(state, loaded),
        SpoolFound found => Spooling.Found(state, found),
        TimerFired => state with { TimerAtMs = None },
        _ => state, // Initialized: only the time moves
    };

    /// <summary>What to do now: at most one decision; <see cref="Step"/> asks again after folding it in.</summary>
    public static Option<Decision> Decide(ExtensionState state) => state.Phase switch
    {
        Phase.Initializing => new NextCalled(),
        Phase.Exited => None,
        _ when Spooling.Decide(state, mayLoad: MayLoadSpool(state)).Case is Decision spool => spool,
        Phase.Invoked invoked => DecideInvoked(state, invoked),
        Phase.ShuttingDown shutdown => DecideShutdown(state, shutdown),
        _ => None, // AwaitingEvent: never push while the sandbox may freeze.
    };

    private static Option<Decision> DecideInvoked(ExtensionState state, Phase.Invoked invoked)
    {
        // While older entries are being read back from the spool, newer ones wait: Loki gets them in order.
        if (state.IsPushing || state.Loading.IsSome)
        {
            return None;
        }
        long now = state.NowMs;
        long flushUntil = invoked.FlushUntilMs.IfNone(invoked.DeadlineMs - state.Policy.DeadlineMarginMs);
        bool flushing = invoked.RuntimeDone || now >= invoked.GiveUpAtMs;
        bool mayPush = !state.Pending.IsEmpty && now >= state.RetryAtMs && now < flushUntil;
        // After failures, a push whose backoff has passed probes Loki while the runtime still runs: the sandbox is
        // thawed, so nothing is cut by a freeze, and a recovered Loki is found without holding the invocation.
        bool probe = state.Attempt > 0;
        // Periodic flushing (a busy function) pushes when a period has passed, not because the runtime is done.
        bool periodic = state.FlushesPeriodically;
        bool due = periodic ? now - state.Traffic.LastPushAtMs >= state.Policy.Flush.PeriodMs : flushing;
        if (mayPush && (due || probe || state.PendingBytes >= state.BatchCap))
        {
            return TakeBatch(state, notAfterMs: Math.Min(flushUntil, now + state.Policy.FlushBudgetMs));
        }
        if (periodic)
        {
            // A busy function is not held for Lambda's buffering: with no push due (or the due one done, having
            // overlapped the function's own work), back to /event/next at once, without waiting for runtimeDone.
            return new NextCalled();
        }
        bool nothingToPush = state.Pending.IsEmpty && state.Loading.IsNone;
        if (flushing && (nothingToPush || now >= flushUntil || state.RetryAtMs >= flushUntil || (state.RateLimited && now < state.RetryAtMs)))
        {
            // Done, or out of budget, or held back by Loki's rate limits (which waiting here cannot lift): what is left
            // stays buffered and goes out with a later invocation.
            return new NextCalled();
        }
        long wakeAt = flushing ? Math.Min(flushUntil, state.RetryAtMs)
            : state.RetryAtMs > now && !state.Pending.IsEmpty && (probe || state.PendingBytes >= state.BatchCap)
                ? Math.Min(state.RetryAtMs, invoked.GiveUpAtMs)
                : invoked.GiveUpAtMs;
        return ArmTimer(state, wakeAt);
    }

    private static bool MayLoadSpool(ExtensionState state) => state.Phase switch
    {
        Phase.ShuttingDown shutdown => state.NowMs < PushUntil(state, shutdown) && state.RetryAtMs < PushUntil(state, shutdown),
        _ => true,
    };

    /// <summary>With a spool, pushing stops a little before the exit deadline: what Loki did not take is spilled, for
    /// a reused environment (after a timeout or a crash Lambda restarts the extension and /tmp survives).</summary>
    private static long PushUntil(ExtensionState state, Phase.ShuttingDown shutdown) =>
        shutdown.ExitByMs - (state.SpoolWorks ? ShutdownSpillReserveMs : 0);

    private static Option<Decision> DecideShutdown(ExtensionState state, Phase.ShuttingDown shutdown)
    {
        long now = state.NowMs;
        if (state.IsPushing || state.Loading.IsSome)
        {
            return None;
        }
        long pushUntil = PushUntil(state, shutdown);
        if (!state.Pending.IsEmpty && now >= state.RetryAtMs && now < pushUntil)
        {
            return TakeBatch(state, notAfterMs: pushUntil);
        }
        // Quiet: the platform's last delivery had its time, and the last invocation's REPORT came (or was waited for).
        bool quiet = now >= shutdown.QuietUntilMs && (state.ReportDue is null || now >= shutdown.QuietUntilMs + ReportWaitMs);
        bool nothingLeft = state.Pending.IsEmpty && state.Loading.IsNone && state.Spilling.IsNone && state.Spool.IsEmpty;
        bool givingUp = now >= pushUntil || (quiet && state.RetryAtMs >= pushUntil);
        if (givingUp && now < shutdown.ExitByMs && Spooling.SpillOldest(state).Case is Decision spill)
        {
            return spill;
        }
        if ((quiet && nothingLeft) || now >= shutdown.ExitByMs || (givingUp && state.Spilling.IsNone))
        {
            string spooled = state.Spool.IsEmpty ? "" : $" ({state.Spool.Sum(f => (long)f.Count)} of them kept in the spool)";
            return new ExitRequested(0, state.Counters.Summary(state.Undelivered) + spooled);
        }
        // Wake for the next thing that can change the answer above: quiet, a retry, the push cut-off, the deadline.
        long wakeAt = shutdown.ExitByMs;
        if (!quiet)
        {
            wakeAt = Math.Min(wakeAt, state.ReportDue is null ? shutdown.QuietUntilMs : shutdown.QuietUntilMs + ReportWaitMs);
        }
        if (!state.Pending.IsEmpty && state.RetryAtMs > now)
        {
            wakeAt = Math.Min(wakeAt, state.RetryAtMs);
        }
        if (pushUntil > now)
        {
            wakeAt = Math.Min(wakeAt, pushUntil);
        }
        return ArmTimer(state, wakeAt);
    }

    private static Option<Decision> ArmTimer(ExtensionState state, long atMs) =>
        atMs > state.NowMs && !(state.TimerAtMs.Case is long armed && armed == atMs) ? new TimerArmed(atMs) : None;

    private static Decision TakeBatch(ExtensionState state, long notAfterMs)
    {
        var (entries, bytes) = state.Pending.Oldest(state.BatchCap);
        return new PushStarted(new PushBatch(state.NextBatchId, entries, bytes, Math.Min(state.ReadBack, entries.Length)), notAfterMs);
    }

    private static ExtensionState Invoked(ExtensionState state, InvokeReceived invoke)
    {
        long giveUpAt = invoke.DeadlineMs - state.Policy.DeadlineMarginMs - state.Policy.TimeoutFlushReserveMs;
        bool alreadyDone = state.RecentRuntimeDone.Exists(id => id == invoke.RequestId);
        return state with
        {
            Phase = new Phase.Invoked(invoke.RequestId, invoke.DeadlineMs, giveUpAt,
                alreadyDone ? FlushUntil(state, invoke.DeadlineMs) : None),
            ReportDue = invoke.RequestId,
            Traffic = state.Traffic.Invoked(state.NowMs),
        };
    }

    private static long FlushUntil(ExtensionState state, long deadlineMs) =>
        Math.Min(state.NowMs + state.Policy.FlushBudgetMs, deadlineMs - state.Policy.DeadlineMarginMs);

    private static ExtensionState Received(ExtensionState state, Seq<TelemetryRecord> records)
    {
        var pending = state.Pending;
        long bytes = state.PendingBytes;
        InvocationContext? context = state.Context;
        EntryStamps stamps = state.Stamps;
        LineFilter filter = state.Shaping.Filter;
        // Counted here and folded into the counters once per body: a record per line would allocate per line.
        long received = 0, filtered = 0, maskTimeouts = 0, maskTimeoutBytes = 0;
        // The body's entries join the buffer together, as one array (see EntryQueue).
        var kept = new LogEntry[records.Count];
        int keptCount = 0;
        (long Lines, long Bytes, string Reason) platformDropped = (0, 0, "");
        foreach (TelemetryRecord record in records)
        {
            if (record.Kind is TelemetryKind.Extension && record.Text?.StartsWith(OwnLinePrefixUtf8) == true)
            {
                continue; // the extension's own stdout, coming back: shipping it would feed on itself
            }
            received++;
            if (record.Kind is TelemetryKind.Start && record.RequestId is { } startedId)
            {
                context = new InvocationContext(startedId, InvocationContext.TraceIdFromHeader(record.Fields.TracingValue), state.Shaping);
            }
            LogEntry entry = LogEntries.From(in record, state.Shaping, context);
            FilterResult filtering = filter.IsNone ? new FilterResult(entry.Line, FilterOutcome.Kept) : filter.Apply(entry.Line);
            if (filtering.Line is { } line)
            {
                entry = filtering.Outcome == FilterOutcome.Masked ? entry with { Line = LineLimit.Truncate(line, state.Shaping.MaxLineBytes) } : entry;
                (entry, stamps) = stamps.Stamp(entry);
                kept[keptCount++] = entry;
                bytes += entry.ApproximateBytes;
            }
            else if (filtering.Outcome == FilterOutcome.Dropped)
            {
                filtered++;
            }
            else
            {
                maskTimeouts++;
                maskTimeoutBytes += entry.ApproximateBytes;
            }
            if (record.Kind is TelemetryKind.LogsDropped)
            {
                platformDropped = (platformDropped.Lines + (record.Fields.DroppedRecords ?? 0), platformDropped.Bytes + (record.Fields.DroppedBytes ?? 0),
                    record.Fields.Reason ?? "");
            }
            if (record.Kind is TelemetryKind.Report && record.RequestId == state.ReportDue)
            {
                state = state with { ReportDue = null };
            }
            if (record.Kind is TelemetryKind.RuntimeDone or TelemetryKind.End && record.RequestId is { } requestId)
            {
                state = RuntimeDone(state, requestId);
                context = context?.RequestId == requestId ? null : context;
            }
        }
        System.Array.Resize(ref kept, keptCount); // a no-op when every record became an entry
        if (filtered + maskTimeouts > 0)
        {
            PackedLines.Pack(kept); // so the dropped lines' arena chunks can go
        }
        pending = pending.Append(ImmutableCollectionsMarshal.AsImmutableArray(kept));
        var phase = state.Phase is Phase.ShuttingDown s
            ? s with { QuietUntilMs = Math.Min(Math.Max(s.QuietUntilMs, state.NowMs + state.Policy.LingerMs), s.ExitByMs) }
            : state.Phase;
        state = state with
        {
            Phase = phase,
            Pending = pending,
            PendingBytes = bytes,
            Context = context,
            Stamps = stamps,
            Counters = state.Counters with
            {
                Received = state.Counters.Received + received,
                Filtered = state.Counters.Filtered + filtered,
                Dropped = state.Counters.Dropped + maskTimeouts,
            },
        };
        state = Losses.Add(state, platformDropped.Lines, platformDropped.Bytes,
            $"dropped by Lambda before they reached the extension: {platformDropped.Reason}", "platform_logs_dropped");
        state = Losses.Add(state, maskTimeouts, maskTimeoutBytes, "dropped: LOKI_MASK_PATTERN timed out on them", "mask_timeout");
        return Spooling.Shed(state, state.SpoolWorks ? "the spool is full" : "no spool");
    }

    private static ExtensionState RuntimeDone(ExtensionState state, string requestId) => state.Phase switch
    {
        Phase.Invoked invoked when invoked.RequestId == requestId && !invoked.RuntimeDone =>
            state with { Phase = invoked with { FlushUntilMs = FlushUntil(state, invoked.DeadlineMs) } },
        Phase.Invoked invoked when invoked.RequestId == requestId => state,
        _ => state with { RecentRuntimeDone = Remember(state.RecentRuntimeDone, requestId) },
    };

    private static Seq<string> Remember(Seq<string> recent, string requestId)
    {
        recent = recent.Add(requestId);
        return recent.Count > RecentRuntimeDoneKept ? recent.Tail : recent;
    }
}
