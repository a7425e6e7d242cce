using System.Collections.Immutable;
using LanguageExt;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The whole state of the extension, immutable: each event yields a new one.</summary>
/// <param name="Pending">Entries not yet delivered (nor in flight), oldest first.</param>
/// <param name="InFlight">The push under way, if any: while it is, <c>/event/next</c> is never called.</param>
/// <param name="RetryAtMs">No push before this time (backoff after a failure).</param>
/// <param name="Attempt">Consecutive failed attempts of the oldest pending entries.</param>
/// <param name="BatchCap">Line bytes per push now: halved after a 413, grown back after each stored push.</param>
/// <param name="RecentRuntimeDone">Request ids whose <c>runtimeDone</c> came before their INVOKE was seen.</param>
/// <param name="Context">The invocation lines are being logged in, from its platform.start to its runtimeDone.</param>
/// <param name="Stamps">This sandbox's discriminator and how many entries it stamped: what makes every entry's
/// (timestamp, line) unique in Loki, across sandboxes and within one.</param>
/// <param name="Spool">Files of spilled entries, oldest first, and their total bytes.</param>
/// <param name="Spilling">Entries being written to the spool: still the core's until the write is confirmed.</param>
/// <param name="Loading">The spool file being read back.</param>
/// <param name="SpoolWorks">False once a spool write failed: from then on memory alone, with shedding.</param>
/// <param name="ReportDue">The last invocation whose platform.report has not arrived: the platform sends it only after
/// the extension is back in /event/next, so at SHUTDOWN it is worth waiting for.</param>
/// <param name="Traffic">When the last invocation came and the running average of the gaps between invocations,
/// and when the last push started: what adaptive and periodic flushing decide on.</param>
/// <param name="Bodies">The digests of the telemetry bodies delivered lately, to recognise one delivered again.</param>
/// <param name="RateLimited">The last failed push was refused by Loki's rate limits (429): waiting within an
/// invocation cannot help, so invocations are not held for its retry; it goes out while a later one runs.</param>
/// <param name="ReadBack">How many entries at the head of <paramref name="Pending"/> were read back from the spool:
/// the next file read back goes after them (it is newer) and before the rest (which is newer still).</param>
public sealed record ExtensionState(
    DeliveryPolicy Policy,
    EntryShaping Shaping,
    Phase Phase,
    long NowMs,
    EntryQueue Pending,
    long PendingBytes,
    Option<PushBatch> InFlight,
    long NextBatchId,
    long RetryAtMs,
    int Attempt,
    long BatchCap,
    Option<long> TimerAtMs,
    Seq<string> RecentRuntimeDone,
    InvocationContext? Context,
    EntryStamps Stamps,
    Seq<SpoolFile> Spool,
    long SpoolBytes,
    long NextSpoolId,
    Option<PushBatch> Spilling,
    Option<SpoolFile> Loading,
    bool SpoolWorks,
    int ReadBack,
    string? ReportDue,
    Traffic Traffic,
    DeliveryCounters Counters,
    RecentBodies Bodies,
    bool RateLimited = false)
{
    /// <param name="sandboxNanos">This process's discriminator below the millisecond (see <see cref="EntryStamps"/>),
    /// drawn at random by the shell.</param>
    public static ExtensionState Initial(DeliveryPolicy policy, EntryShaping? shaping = null, long sandboxNanos = 0) => new(
        policy, shaping ?? EntryShaping.Default, new Phase.Initializing(), 0, EntryQueue.Empty, 0, None, 1, 0, 0, policy.MaxBatchBytes, None, Seq<string>(),
        null, EntryStamps.For(sandboxNanos), Seq<SpoolFile>(), 0, 1, None, None, policy.SpoolMaxBytes > 0, 0, null, Traffic.None, DeliveryCounters.Zero, RecentBodies.None);

    /// <summary>Whether pushes are batched across invocations now rather than made at the end of each.</summary>
    public bool FlushesPeriodically => Policy.Flush.Mode switch
    {
        FlushMode.Periodic => true,
        FlushMode.Adaptive => Traffic.GapAverageMs < FlushStrategy.BusyGapMs,
        _ => false,
    };

    /// <summary>Entries the core answers for that are not delivered yet: memory, in flight, spilling, spooled.</summary>
    public long Undelivered => Pending.Count + InFlight.Map(b => (long)b.Entries.Length).IfNone(0)
        + Spilling.Map(s => (long)s.Entries.Length).IfNone(0) + Spool.Sum(f => (long)f.Count) + Loading.Map(f => (long)f.Count).IfNone(0);

    public bool IsPushing => InFlight.IsSome;
}
