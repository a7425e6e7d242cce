namespace LokiLambdaExtension.Core.Snapshot;

/// <summary>SnapStart: the environment is snapshotted while the extension waits in <c>/event/next</c> after init, and
/// every cold start later restores a clone of it, minutes to weeks later, many at once (protocols.md §5). A clone
/// knows it was restored by the first event its <c>/event/next</c> returns, or by a <c>platform.restoreStart</c>
/// record, whichever comes first. Then:
/// <list type="bullet">
/// <item>the connections to Loki are renewed before any push: those open at the snapshot are dead, often without a
/// reset (<see cref="ConnectionsRenewed"/>);</item>
/// <item>the sandbox discriminator is drawn anew (every clone shares the snapshot's, and identical entries of two
/// clones would be one entry in Loki), from a draw of the operating system's random source;</item>
/// <item>credentials from the endpoint are asked for anew (the restore installed new ones) and secrets read from AWS
/// are read again (they may have been rotated since the snapshot) (<see cref="AwsAccess.Restored"/>);</item>
/// <item>records stamped no later than the latest one the snapshot's process had received are the snapshot's init
/// records delivered again: not shipped a second time.</item>
/// </list>
/// Entries the snapshot's process held unsent (those that came after its init push) keep the snapshot's stamps: every
/// clone sends them identical, and Loki keeps one.</summary>
internal static class Restores
{
    /// <summary>A SnapStart process past its init that has not seen its restore yet: the next event is one.</summary>
    public static bool Awaited(LifecycleSettings settings, ExtensionState state) =>
        settings.Model == ExecutionModel.SnapStart && state.Snapshot.InitEnded && !state.Snapshot.Restored;

    /// <summary>The first event from <c>/event/next</c> after init: in a SnapStart environment, a restored clone's.</summary>
    public static ExtensionState AfterEvent(LifecycleSettings settings, ExtensionState state, long draw) =>
        Awaited(settings, state) ? Restored(settings, state, draw) : state;

    public static ExtensionState Restored(LifecycleSettings settings, ExtensionState state, long draw) => AwsAccess.Restored(settings, state with
    {
        Stamps = EntryStamps.For(draw) with { Sequence = state.Stamps.Sequence },
        Snapshot = state.Snapshot with { Restored = true, ConnectionsStale = true },
    }).Tell(NoticeLevel.Debug, "restored from a SnapStart snapshot: new connections to Loki and AWS, a new sandbox discriminator");

    /// <summary>Before the restore, the latest record time is remembered (the snapshot may be taken at any moment).</summary>
    public static bool Remembers(LifecycleSettings settings, ExtensionState state) =>
        settings.Model == ExecutionModel.SnapStart && !state.Snapshot.Restored;

    /// <summary>After the restore, a record stamped no later than what the snapshot's process received is the
    /// snapshot's, delivered again.</summary>
    public static bool IsSnapshotRecord(ExtensionState state, in TelemetryRecord record) =>
        state.Snapshot.Restored && record.UnixNanos <= state.Snapshot.SeenUntilNanos;
}
