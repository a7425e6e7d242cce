using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The whole state of the extension, immutable: each event yields a new one. Each group owns one concern;
/// configuration is not here (see <see cref="LifecycleSettings"/>).</summary>
/// <param name="NowMs">The core's time: the shell's monotonic clock, in Unix milliseconds.</param>
/// <param name="TimerAtMs">When the armed timer goes off, if one is armed.</param>
/// <param name="Buffer">Entries held in memory.</param>
/// <param name="Delivery">The push under way, backoff, and what was told about Loki's answers.</param>
/// <param name="Spool">Entries spilled to /tmp.</param>
/// <param name="Invocation">Whose lines are arriving, and which invocations have ended.</param>
/// <param name="Traffic">How busy the function is: what adaptive and periodic flushing decide on.</param>
/// <param name="Stamps">This sandbox's discriminator and how many entries it stamped: what makes every entry's
/// (timestamp, line) unique in Loki, across sandboxes and within one.</param>
/// <param name="Bodies">The digests of the telemetry bodies delivered lately, to recognise one delivered again.</param>
/// <param name="Notices">What is to be told to the user, oldest first (see <see cref="Notified"/>).</param>
/// <param name="Snapshot">Init, snapshot and restore of a SnapStart environment.</param>
/// <param name="Archive">The S3 archive: what waits to be written, the object being written.</param>
/// <param name="Access">The function role's credentials and Loki's headers, and what is being fetched from AWS.</param>
/// <param name="Shipping">False when shipping is off (a configuration problem, a refused subscription, a failure after
/// registering): the lifecycle is still served, so the function never waits on the extension.</param>
/// <param name="Tenancy">The Lambda tenant this environment serves, once the platform named it.</param>
public sealed record ExtensionState(
    Phase Phase,
    long NowMs,
    Option<long> TimerAtMs,
    EntryBuffer Buffer,
    DeliveryState Delivery,
    SpoolState Spool,
    InvocationState Invocation,
    Traffic Traffic,
    EntryStamps Stamps,
    RecentBodies Bodies,
    DeliveryCounters Counters,
    Seq<Notice> Notices,
    SnapshotState Snapshot,
    bool Shipping,
    ArchiveState Archive,
    AccessState Access,
    TenantState Tenancy)
{
    /// <param name="sandboxNanos">This process's discriminator below the millisecond (see <see cref="EntryStamps"/>),
    /// drawn at random by the shell.</param>
    /// <param name="access">The credentials and headers known at start (<see cref="AccessState.For"/>).</param>
    public static ExtensionState Initial(DeliveryPolicy policy, long sandboxNanos = 0, bool shipping = true, AccessState? access = null) => new(
        new Phase.Initializing(), 0, None, EntryBuffer.Empty, DeliveryState.Start(policy.MaxBatchBytes), SpoolState.Start(policy.SpoolMaxBytes > 0),
        InvocationState.None, Traffic.None, EntryStamps.For(sandboxNanos), RecentBodies.None, DeliveryCounters.Zero, Seq<Notice>(),
        SnapshotState.None, shipping, ArchiveState.Start, access ?? AccessState.Start, TenantState.Unknown);

    /// <summary>Entries the core answers for that are not delivered yet: memory, in flight, spilling, spooled, waiting
    /// for the archive.</summary>
    public long Undelivered => Buffer.Count + Delivery.InFlight.Map(b => (long)b.Entries.Length).IfNone(0) + Spool.Entries + Archive.Undelivered;

    public ExtensionState Tell(NoticeLevel level, string text) => this with { Notices = Notices.Add(new Notice(level, text)) };
}
