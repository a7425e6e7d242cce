using System.Runtime.InteropServices;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>The S3 archive (<c>LOKI_ARCHIVE_S3</c>), under the rules pushes follow: no write while waiting in
/// <c>/event/next</c> (but on never-frozen Managed Instances), none with <c>/event/next</c> outstanding for it (the
/// lifecycle holds <c>/event/next</c> and the exit while one is under way), each within the flush budget or SHUTDOWN's
/// deadline. What goes there: at SHUTDOWN, what Loki did not take in time (before spilling, which only a reused
/// environment would read); lines shed from a full buffer; with <c>LOKI_ARCHIVE_MODE=all</c>, copies of what Loki
/// stored, an object once they fill a batch or have waited a minute. A failed write goes back where it came from and is
/// tried again with backoff; the first failure is told with what to check, and the recovery.</summary>
internal static class Archiving
{
    /// <summary>Copies wait at most this long for an object to fill (if the environment is thawed to write it).</summary>
    internal const long CopiesMaxAgeMs = 60_000;

    /// <summary>At SHUTDOWN, kept free before the exit for archiving what Loki did not take.</summary>
    internal const long ShutdownReserveMs = 500;

    /// <summary>The largest object, in line bytes: a push batch, what Loki takes in one push, so an object replays as one.</summary>
    private static long ObjectBytes(LifecycleSettings settings) => settings.Policy.MaxBatchBytes;

    /// <summary>Rescued and copied entries held in memory, at most each (a quarter of the buffer's cap).</summary>
    private static long HeldBytes(LifecycleSettings settings) => settings.Policy.MaxBufferBytes / 4;

    public static bool IsOn(LifecycleSettings settings) => settings.Archive.IsSome;

    /// <summary>A write of rescued lines or of copies, when one is due and the phase allows one now.</summary>
    public static Option<Decision> Decide(LifecycleSettings settings, ExtensionState state)
    {
        ArchiveState archive = state.Archive;
        if (settings.Archive.Case is not ArchiveTarget target || archive.IsWriting || state.NowMs < archive.RetryAtMs
            || WriteUntil(settings, state).Case is not long until || state.NowMs >= until || AwsAccess.Signing(settings, state).Case is not AwsCredentials signWith)
        {
            return None;
        }
        if (!archive.Rescued.IsEmpty)
        {
            return Start(settings, target, state, ArchiveSource.Rescued, archive.Rescued.Oldest(archive.NextObject, ObjectBytes(settings)), until, None, signWith);
        }
        // Before a snapshot or a long idle (init's end where init lines are pushed) copies go at once: every SnapStart
        // clone would otherwise write the snapshot's copies again, each under its own key.
        bool copiesDue = !archive.Copies.IsEmpty && (archive.Copies.Bytes >= ObjectBytes(settings) || state.Phase is Phase.ShuttingDown or Phase.EndingInit
            || state.NowMs - archive.CopiesSinceMs >= CopiesMaxAgeMs);
        return copiesDue ? Start(settings, target, state, ArchiveSource.Copies, archive.Copies.Oldest(archive.NextObject, ObjectBytes(settings)), until, None, signWith) : None;
    }

    /// <summary>At SHUTDOWN, once Loki is given up on: the oldest of memory goes to the archive, with a report saying so.</summary>
    public static Option<Decision> AtShutdown(LifecycleSettings settings, ExtensionState state, long archiveUntil)
    {
        if (settings.Archive.Case is not ArchiveTarget target || state.Archive.IsWriting || state.Buffer.IsEmpty
            || state.NowMs < state.Archive.RetryAtMs || state.NowMs >= archiveUntil || AwsAccess.Signing(settings, state).Case is not AwsCredentials signWith)
        {
            return None;
        }
        PushBatch taken = state.Buffer.Oldest(state.Archive.NextObject, ObjectBytes(settings));
        LogEntry report = state.Stamps.Stamp(LossReport.Entry(state.NowMs, taken.Entries.Length, taken.Bytes,
            $"archived to {target.Location}: {settings.LokiTarget} did not take them before SHUTDOWN's deadline", "archived")).Entry;
        // The report tells of this object's entries only: it is theirs, and goes to their tenant (an object has one).
        return Start(settings, target, state, ArchiveSource.Buffer, taken, archiveUntil, report with { Tenant = taken.Tenant }, signWith);
    }

    /// <summary>Whether SHUTDOWN should still wait for the archive: a write under way, or one due before the cut-off.</summary>
    public static bool Waits(LifecycleSettings settings, ExtensionState state, long archiveUntil) =>
        IsOn(settings) && (state.Archive.IsWriting
            || ((!state.Buffer.IsEmpty || !state.Archive.Rescued.IsEmpty || !state.Archive.Copies.IsEmpty) && state.Archive.RetryAtMs < archiveUntil));

    /// <summary>The write of <paramref name="taken"/> (the oldest of <paramref name="source"/>, numbered as the next object).</summary>
    private static Decision Start(LifecycleSettings settings, ArchiveTarget target, ExtensionState state, ArchiveSource source, PushBatch taken, long until,
        Option<LogEntry> report, AwsCredentials signWith)
    {
        // With LOKI_TENANT_MODE=lambda every object names its Loki tenant in its key, the fallback's too: replay sends
        // it back there, and a tenant can be given its own prefix to read.
        string? tenant = settings.Tenants.FollowsLambda ? taken.Tenant ?? settings.Tenants.Fallback : null;
        string key = ArchiveKeys.For(target.Location, target.ServiceName, taken.Entries[0].UnixNanos, state.Stamps.SandboxNanos, taken.Id, tenant);
        return new ArchiveStarted(taken, report, key, until, source, signWith);
    }

    /// <summary>Until when a write may run now, if one may: as a push would.</summary>
    private static Option<long> WriteUntil(LifecycleSettings settings, ExtensionState state) => state.Phase switch
    {
        Phase.Invoked invoked when invoked.RuntimeDone || state.NowMs >= invoked.GiveUpAtMs || DeliveryDecisions.FlushesPeriodically(settings, state) =>
            Math.Min(invoked.FlushUntilMs.IfNone(invoked.DeadlineMs - settings.Policy.DeadlineMarginMs), state.NowMs + settings.Policy.FlushBudgetMs),
        Phase.EndingInit { RuntimeDone: true } init when settings.Model.PushesInit() => init.FlushUntilMs.IfNone(state.NowMs),
        Phase.AwaitingEvent when settings.Model.NeverFrozen() => state.NowMs + settings.Policy.FlushBudgetMs,
        Phase.ShuttingDown shutdown => DeliveryDecisions.ArchiveUntil(state, shutdown),
        _ => None,
    };

    /// <summary>The object's entries leave where they were; until S3 confirms it they are held as the write.</summary>
    public static ExtensionState Started(ExtensionState state, ArchiveStarted write)
    {
        state = state with
        {
            Archive = state.Archive with
            {
                Writing = write,
                NextObject = write.Taken.Id + 1,
                CopiesSinceMs = write.Source == ArchiveSource.Copies ? state.NowMs : state.Archive.CopiesSinceMs,
            },
            Stamps = write.Report.IsSome ? state.Stamps with { Sequence = state.Stamps.Sequence + 1 } : state.Stamps,
        };
        return Change(state, write.Source, entries => entries.Without(write.Taken));
    }

    /// <summary>The state with the entries of <paramref name="source"/> changed.</summary>
    private static ExtensionState Change(ExtensionState state, ArchiveSource source, Func<EntryBuffer, EntryBuffer> change) => source switch
    {
        ArchiveSource.Rescued => state with { Archive = state.Archive with { Rescued = change(state.Archive.Rescued) } },
        ArchiveSource.Copies => state with { Archive = state.Archive with { Copies = change(state.Archive.Copies) } },
        _ => state with { Buffer = change(state.Buffer) },
    };

    public static ExtensionState Finished(LifecycleSettings settings, ExtensionState state, ArchiveFinished finished)
    {
        if (state.Archive.Writing.Case is not ArchiveStarted write || write.ObjectId != finished.ObjectId)
        {
            return state;
        }
        ArchiveState archive = state.Archive with { Writing = None };
        DeliveryCounters c = state.Counters;
        string where = settings.Archive.Map(t => t.Location.ToString()).IfNone("the archive");
        if (finished.Error is null)
        {
            int lines = write.Taken.Entries.Length;
            state = state with
            {
                Archive = archive with { Attempt = 0, RetryAtMs = 0, FailureTold = false },
                Counters = write.Source == ArchiveSource.Copies ? c with { ArchiveCopies = c.ArchiveCopies + lines } : c with { Archived = c.Archived + lines },
            };
            return archive.FailureTold ? state.Tell(NoticeLevel.Info, $"the archive at {where} takes objects again") : state;
        }
        state = AwsAccess.SigningRefused(settings, state, write.SignWith, finished.Status, finished.Code);
        bool told = archive.FailureTold;
        long retryAt = state.NowMs + PushSettlement.Backoff(settings.Policy, archive.Attempt, finished.Jitter, null);
        archive = archive with { Attempt = archive.Attempt + 1, RetryAtMs = retryAt, FailureTold = true };
        state = Change(state with { Archive = archive, Counters = c with { ArchiveFailures = c.ArchiveFailures + 1 } }, write.Source,
            entries => entries.PutBack(write.Taken));
        // Told once per outage, with what to check: a wrong bucket or a missing permission fails every write alike.
        return told ? state : state.Tell(NoticeLevel.Warn, $"cannot write to the archive at {where} ({finished.Error}); check " +
            $"{ConfigValues.Names.ArchiveS3}, {ConfigValues.Names.ArchiveEndpoint} and the function role's s3:PutObject on it; retrying with backoff");
    }

    /// <summary>How many bytes of shed lines the archive can hold now (none when it is off).</summary>
    public static long RoomForRescued(LifecycleSettings settings, ExtensionState state) =>
        IsOn(settings) ? Math.Max(0, HeldBytes(settings) - state.Archive.Rescued.Bytes) : 0;

    public static ExtensionState Rescue(ExtensionState state, List<LogEntry> entries, long bytes) => entries.Count == 0
        ? state
        : state with
        {
            // The array made here is handed over whole: compacted or not, it is not copied again.
            Archive = state.Archive with
            {
                Rescued = state.Archive.Rescued.Append(ImmutableCollectionsMarshal.AsImmutableArray(HeldLines.Compacted([.. entries], bytes)), bytes),
            },
        };

    /// <summary>With <c>LOKI_ARCHIVE_MODE=all</c>, what Loki stored is copied to the archive; when copies wait beyond
    /// their share of memory (S3 down for long), newer ones are counted as not archived rather than held.</summary>
    public static ExtensionState Copy(LifecycleSettings settings, ExtensionState state, PushBatch stored)
    {
        if (settings.Archive.Case is not ArchiveTarget { Mode: ArchiveMode.All } || stored.Entries.IsEmpty)
        {
            return state;
        }
        ArchiveState archive = state.Archive;
        if (archive.Copies.Bytes + stored.Bytes > HeldBytes(settings))
        {
            return state with { Counters = state.Counters with { NotArchived = state.Counters.NotArchived + stored.Entries.Length } };
        }
        return state with
        {
            Archive = archive with
            {
                Copies = archive.Copies.Append(stored.Entries, stored.Bytes),
                CopiesSinceMs = archive.Copies.IsEmpty ? state.NowMs : archive.CopiesSinceMs,
            },
        };
    }
}
