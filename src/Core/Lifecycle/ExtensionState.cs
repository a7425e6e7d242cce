using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The whole state of the extension, immutable: each event yields a new one. Each group owns one concern;
/// configuration is not here (see <see cref="LifecycleSettings"/>).</summary>
public sealed record ExtensionState
{
    internal Phase Phase { get; init; } = new Phase.Initializing();

    /// <summary>The core's time: the shell's monotonic clock, in Unix milliseconds.</summary>
    internal long NowMs { get; init; }

    /// <summary>When the armed timer goes off, if one is armed.</summary>
    internal Option<long> TimerAtMs { get; init; } = None;

    /// <summary>Entries held in memory.</summary>
    internal EntryBuffer Buffer { get; init; } = EntryBuffer.Empty;

    /// <summary>The push under way, backoff, and what was told about Loki's answers.</summary>
    internal DeliveryState Delivery { get; init; }

    /// <summary>Entries spilled to /tmp.</summary>
    internal SpoolState Spool { get; init; }

    /// <summary>Whose lines are arriving, and which invocations have ended.</summary>
    internal InvocationState Invocation { get; init; } = InvocationState.None;

    /// <summary>How busy the function is: what adaptive and periodic flushing decide on.</summary>
    internal Traffic Traffic { get; init; } = Traffic.None;

    /// <summary>This sandbox's discriminator and how many entries it stamped: what makes every entry's
    /// (timestamp, line) unique in Loki, across sandboxes and within one.</summary>
    internal EntryStamps Stamps { get; init; }

    /// <summary>The digests of the telemetry bodies delivered lately, to recognise one delivered again.</summary>
    internal RecentBodies Bodies { get; init; } = RecentBodies.None;

    /// <summary>How many entries, pushes and losses so far: what the SHUTDOWN summary and the loss reports say.</summary>
    internal DeliveryCounters Counters { get; init; } = DeliveryCounters.Zero;

    /// <summary>What is to be told to the user, oldest first (see <see cref="Notified"/>).</summary>
    internal Seq<Notice> Notices { get; init; } = Seq<Notice>();

    /// <summary>Init, snapshot and restore of a SnapStart environment.</summary>
    internal SnapshotState Snapshot { get; init; } = SnapshotState.None;

    /// <summary>False when shipping is off (a configuration problem, a refused subscription, a failure after
    /// registering): the lifecycle is still served, so the function never waits on the extension.</summary>
    internal bool Shipping { get; init; }

    /// <summary>The S3 archive: what waits to be written, the object being written.</summary>
    internal ArchiveState Archive { get; init; } = ArchiveState.Start;

    /// <summary>The function role's credentials and Loki's headers, and what is being fetched from AWS.</summary>
    internal AccessState Access { get; init; }

    /// <summary>The Lambda tenant this environment serves, once the platform named it.</summary>
    internal TenantState Tenancy { get; init; } = TenantState.Unknown;

    /// <param name="sandboxNanos">This process's discriminator below the millisecond (see <see cref="EntryStamps"/>),
    /// drawn at random by the shell.</param>
    /// <param name="access">The credentials and headers known at start (<see cref="AccessState.For"/>).</param>
    internal static ExtensionState Initial(DeliveryPolicy policy, long sandboxNanos = 0, bool shipping = true, AccessState? access = null) =>
        new(DeliveryState.Start(policy.MaxBatchBytes), SpoolState.Start(policy.SpoolMaxBytes > 0), EntryStamps.For(sandboxNanos), shipping,
            access ?? AccessState.Start);

    /// <summary>The state at start, for <paramref name="settings"/>, with the headers configured for Loki.</summary>
    /// <param name="sandboxNanos">As above.</param>
    /// <param name="shipping">False when shipping is off from the start.</param>
    public static ExtensionState Initial(LifecycleSettings settings, long sandboxNanos, bool shipping, Seq<HttpHeader> configuredHeaders) =>
        Initial(settings.Policy, sandboxNanos, shipping, AccessState.For(settings.Access, configuredHeaders));

    private ExtensionState(DeliveryState delivery, SpoolState spool, EntryStamps stamps, bool shipping, AccessState access)
    {
        Delivery = delivery;
        Spool = spool;
        Stamps = stamps;
        Shipping = shipping;
        Access = access;
    }

    /// <summary>Entries the core answers for that are not delivered yet: memory, in flight, spilling, spooled, waiting
    /// for the archive.</summary>
    internal long Undelivered => Buffer.Count + Delivery.InFlight.Map(b => (long)b.Entries.Length).IfNone(0) + Spool.Entries + Archive.Undelivered;

    internal ExtensionState Tell(NoticeLevel level, string text) => this with { Notices = Notices.Add(new Notice(level, text)) };
}
