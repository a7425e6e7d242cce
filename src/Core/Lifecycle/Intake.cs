using System.Collections.Immutable;
using System.Runtime.InteropServices;
using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What comes in: an INVOKE from <c>/event/next</c>, and telemetry bodies, whose records become entries in the
/// buffer and tell where invocations begin and end. Drop and mask patterns have already run where the body was parsed
/// (<see cref="LineFilter.Sift"/>): no regex runs here.</summary>
internal static class Intake
{
    private static readonly byte[] OwnLinePrefixUtf8 = System.Text.Encoding.UTF8.GetBytes(Lifecycle.OwnLinePrefix);

    public static ExtensionState Invoked(LifecycleSettings settings, ExtensionState state, InvokeReceived invoke)
    {
        long giveUpAt = TelemetryProof.GiveUpAt(settings, state, invoke.DeadlineMs);
        bool alreadyDone = state.Invocation.RecentRuntimeDone.Exists(id => id == invoke.RequestId);
        return state with
        {
            Phase = new Phase.Invoked(invoke.RequestId, invoke.DeadlineMs, giveUpAt,
                alreadyDone ? FlushUntil(settings, state, invoke.DeadlineMs) : Option<long>.None),
            Invocation = state.Invocation with { ReportDue = invoke.RequestId },
            Traffic = state.Traffic.Invoked(state.NowMs),
        };
    }

    public static ExtensionState Received(LifecycleSettings settings, ExtensionState state, TelemetryReceived telemetry)
    {
        TenantState before = state.Tenancy;
        state = TelemetryProof.Delivered(settings, state);
        ImmutableArray<TelemetryRecord> records = telemetry.Records;
        if (Restores.Awaited(settings, state) && records.Any(r => r.Kind == TelemetryKind.RestoreStart))
        {
            state = Restores.Restored(settings, state, telemetry.Draw);
        }
        EntryShaping shaping = settings.Shaping;
        // Concurrent invocations (Managed Instances): no invocation is "the one in progress", so a line's request is
        // only ever its own record's.
        bool oneInvocationAtATime = !settings.Model.RunsConcurrently();
        bool remembersSnapshot = Restores.Remembers(settings, state);
        long seenUntil = state.Snapshot.SeenUntilNanos;
        long snapshotRecords = 0;
        bool initRuntimeDone = false;
        InvocationState invocation = state.Invocation;
        InvocationContext? context = invocation.Context;
        RecentRequests recentRequests = invocation.RecentRequests;
        EntryStamps stamps = state.Stamps;
        TenantRouting tenants = settings.Tenants;
        TenantState tenancy = state.Tenancy;
        long bytes = 0;
        // Counted here and folded into the counters once per body: a record per line would allocate per line.
        long received = 0, filtered = 0, maskTimeouts = 0, maskTimeoutBytes = 0;
        // The body's entries join the buffer together, as one array (see EntryQueue).
        var kept = new LogEntry[records.Length];
        int keptCount = 0;
        (long Lines, long Bytes, string Reason) platformDropped = (0, 0, "");
        LineVerdicts? verdicts = telemetry.Verdicts;
        for (int index = 0; index < records.Length; index++)
        {
            ref readonly TelemetryRecord record = ref records.ItemRef(index);
            if (record.Kind is TelemetryKind.Extension && record.Text?.StartsWith(OwnLinePrefixUtf8) == true)
            {
                continue; // the extension's own stdout, coming back: shipping it would feed on itself
            }
            if (Restores.IsSnapshotRecord(state, in record))
            {
                snapshotRecords++;
                continue;
            }
            seenUntil = remembersSnapshot ? Math.Max(seenUntil, record.UnixNanos) : seenUntil;
            tenancy = Tenants.Learn(tenants, tenancy, in record);
            initRuntimeDone |= record.Kind is TelemetryKind.InitRuntimeDone;
            received++;
            if (record.Kind is TelemetryKind.Start && record.RequestId is { } startedId)
            {
                var started = new InvocationContext(startedId, InvocationContext.TraceIdFromHeader(record.Fields.TracingValue), shaping);
                // One invocation at a time: it is the one in progress. Concurrent ones (Managed Instances): each request's
                // lines find its trace among the requests started lately, by the request id they name.
                (context, recentRequests) = oneInvocationAtATime ? (started, recentRequests) : (context, recentRequests.With(started));
            }
            switch (verdicts?.Outcomes[index] ?? FilterOutcome.Kept)
            {
                case FilterOutcome.Dropped:
                    filtered++;
                    break;
                case FilterOutcome.MaskTimedOut:
                    maskTimeouts++;
                    maskTimeoutBytes += LogEntries.From(in record, shaping, context, ref recentRequests).ApproximateBytes;
                    break;
                default:
                    LogEntry entry = LogEntries.From(in record, shaping, context, ref recentRequests);
                    entry = verdicts?.Masked[index] is { } masked ? entry with { Line = masked } : entry;
                    entry = Tenants.Of(tenants, ref tenancy, in entry) is { } tenant ? entry with { Tenant = tenant } : entry;
                    (entry, stamps) = stamps.Stamp(entry);
                    kept[keptCount++] = entry;
                    bytes += entry.ApproximateBytes;
                    break;
            }
            if (record.Kind is TelemetryKind.LogsDropped)
            {
                platformDropped = (platformDropped.Lines + (record.Fields.DroppedRecords ?? 0), platformDropped.Bytes + (record.Fields.DroppedBytes ?? 0),
                    record.Fields.Reason ?? "");
            }
            if (record.Kind is TelemetryKind.Report && record.RequestId == invocation.ReportDue)
            {
                invocation = invocation with { ReportDue = null };
            }
            if (record.Kind is TelemetryKind.RuntimeDone or TelemetryKind.End && record.RequestId is { } requestId)
            {
                (state, invocation) = RuntimeDone(settings, state, invocation, requestId);
                context = context?.RequestId == requestId ? null : context;
            }
        }
        System.Array.Resize(ref kept, keptCount); // a no-op when every record became an entry
        if (filtered + maskTimeouts > 0)
        {
            PackedLines.Pack(kept); // so the dropped lines' arena chunks can go
        }
        var phase = state.Phase switch
        {
            Phase.ShuttingDown s => s with { QuietUntilMs = Math.Min(Math.Max(s.QuietUntilMs, state.NowMs + settings.Policy.LingerMs), s.ExitByMs) },
            // The runtime's init is done: its lines are here, push them now (or as soon as the extension's init is done:
            // the body can come between the subscription and the shell's Initialized).
            Phase.EndingInit { RuntimeDone: false } init when initRuntimeDone => init with { FlushUntilMs = state.NowMs + settings.Policy.FlushBudgetMs },
            Phase.Initializing when initRuntimeDone => new Phase.Initializing(RuntimeDone: true),
            var unchanged => unchanged,
        };
        state = state with
        {
            Phase = phase,
            Buffer = state.Buffer.Append(ImmutableCollectionsMarshal.AsImmutableArray(kept), bytes),
            Invocation = invocation with { Context = context, RecentRequests = recentRequests },
            Stamps = stamps,
            Tenancy = tenancy,
            Snapshot = state.Snapshot with { SeenUntilNanos = seenUntil },
            Counters = state.Counters with
            {
                SnapshotRecords = state.Counters.SnapshotRecords + snapshotRecords,
                Received = state.Counters.Received + received,
                Filtered = state.Counters.Filtered + filtered,
                Dropped = state.Counters.Dropped + maskTimeouts,
            },
        };
        state = Losses.Add(state, platformDropped.Lines, platformDropped.Bytes,
            $"dropped by Lambda before they reached the extension: {platformDropped.Reason}", "platform_logs_dropped");
        state = Losses.Add(state, maskTimeouts, maskTimeoutBytes, $"dropped: {ConfigValues.Names.MaskPattern} timed out on them", "mask_timeout");
        state = TenantsTold(tenants, before, state);
        return Spooling.Shed(settings, state, state.Spool.Works ? "the spool is full" : "no spool");
    }

    private static (ExtensionState, InvocationState) RuntimeDone(LifecycleSettings settings, ExtensionState state, InvocationState invocation, string requestId) =>
        state.Phase switch
        {
            Phase.Invoked invoked when invoked.RequestId == requestId && !invoked.RuntimeDone =>
                (state with { Phase = invoked with { FlushUntilMs = FlushUntil(settings, state, invoked.DeadlineMs) } }, invocation),
            Phase.Invoked invoked when invoked.RequestId == requestId => (state, invocation),
            _ => (state, invocation.RememberRuntimeDone(requestId)),
        };

    private static long FlushUntil(LifecycleSettings settings, ExtensionState state, long deadlineMs) =>
        Math.Min(state.NowMs + settings.Policy.FlushBudgetMs, deadlineMs - settings.Policy.DeadlineMarginMs);

    /// <summary>What the body taught about tenants, said: the environment's tenant once known (a Lambda tenant id that
    /// makes no Loki tenant id as a warning), a function not in tenant isolation once, and records naming another tenant
    /// (the first as a warning, later ones counted at debug level).</summary>
    private static ExtensionState TenantsTold(TenantRouting routing, TenantState before, ExtensionState state)
    {
        TenantState now = state.Tenancy;
        string fallback = routing.FallbackShown;
        if (before.LambdaTenant is null && now.LambdaTenant is { } lambda)
        {
            state = now.LokiTenant is { } loki
                ? state.Tell(NoticeLevel.Info, $"this environment serves Lambda tenant '{lambda}': its lines go to Loki tenant '{loki}' " +
                                               $"(lines from before the platform named it, such as init's, to {fallback})")
                : state.Tell(NoticeLevel.Warn, $"this environment serves Lambda tenant '{LokiTenantIds.Shown(lambda)}', but " +
                                               $"'{LokiTenantIds.Shown(routing.Prefix + lambda)}' is no Loki tenant id ({LokiTenantIds.Rule}): " +
                                               $"its lines go to {fallback}");
        }
        if (!before.Untenanted && now.Untenanted && now.LambdaTenant is null)
        {
            state = state.Tell(NoticeLevel.Info, $"{ConfigValues.Names.TenantMode}=lambda, but platform.start names no tenant (the function is not in " +
                                                 $"tenant isolation mode): lines go to {fallback}");
        }
        if (now.Strays > before.Strays)
        {
            state = before.Strays == 0
                ? state.Tell(NoticeLevel.Warn, $"a record names another tenant than this environment's ('{LokiTenantIds.Shown(now.LambdaTenant ?? "")}'): " +
                                               $"kept under {fallback}, never sent to either tenant (said once; later ones at debug level)")
                : state.Tell(NoticeLevel.Debug, $"{now.Strays} records so far named another tenant than this environment's; kept under {fallback}");
        }
        return state;
    }

    /// <summary>A recurring problem of the shell's intake: the first of its kind is said in full, later ones counted at
    /// debug level, so a client that keeps probing the port cannot fill the function's logs.</summary>
    public static ExtensionState Troubled(ExtensionState state, IntakeTroubled trouble)
    {
        DeliveryCounters counters = trouble.Trouble == IntakeTrouble.MalformedBody
            ? state.Counters with { MalformedBodies = state.Counters.MalformedBodies + 1 }
            : state.Counters with { RefusedRequests = state.Counters.RefusedRequests + 1 };
        long count = trouble.Trouble == IntakeTrouble.MalformedBody ? counters.MalformedBodies : counters.RefusedRequests;
        return (state with { Counters = counters }).Tell(count == 1 ? NoticeLevel.Warn : NoticeLevel.Debug,
            count == 1 ? $"{trouble.Message} (said once; later ones at debug level)" : $"{trouble.Message} ({count} so far)");
    }
}
