namespace LokiLambdaExtension.Core.Snapshot;

/// <summary>Where a SnapStart environment is between its init, the snapshot and a restore (see <see cref="Restores"/>).
/// Every restored clone starts from the same memory: this state, and everything else, is the snapshot's until the core
/// sees the restore.</summary>
/// <param name="InitEnded">The extension called its first <c>/event/next</c>: a snapshot may be taken from here on.</param>
/// <param name="SeenUntilNanos">The latest record time received before the restore: a record no newer that comes after
/// it is the snapshot's, delivered again.</param>
/// <param name="Restored">This process is a clone that has seen its restore.</param>
/// <param name="ConnectionsStale">The restore is seen and the connections to Loki opened before the snapshot are not
/// renewed yet: no push before they are.</param>
internal sealed record SnapshotState(bool InitEnded, long SeenUntilNanos, bool Restored, bool ConnectionsStale)
{
    public static SnapshotState None { get; } = new(false, long.MinValue, false, false);
}
