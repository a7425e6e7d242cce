namespace LokiLambdaExtension.Core.Delivery;

/// <summary>What happened to the entries that went through the extension, for the loss accounting and the
/// SHUTDOWN summary.</summary>
/// <param name="Filtered">Lines not shipped on purpose: matched by LOKI_DROP_PATTERN.</param>
/// <param name="Dropped">Lines lost: shed from a full buffer, Loki's ingestion blocked (260), a mask pattern that
/// timed out, an unreadable spool file.</param>
/// <param name="Generated">Entries the extension wrote itself: loss reports, unparseable bodies.</param>
/// <param name="Spilled">Lines written to the spool on /tmp (each may be read back and sent later).</param>
/// <param name="Redelivered">Telemetry bodies the platform delivered again after they had been read: not shipped twice.</param>
/// <param name="SnapshotRecords">Records of a SnapStart snapshot's init that a restored clone was delivered again: the
/// snapshot's process had them already (see <see cref="Restores"/>).</param>
/// <param name="Archived">Lines Loki did not take that went to the S3 archive instead of being lost.</param>
/// <param name="ArchiveCopies">Lines Loki stored that were archived too (<c>LOKI_ARCHIVE_MODE=all</c>).</param>
/// <param name="ArchiveFailures">Archive writes that failed (each retried).</param>
/// <param name="NotArchived">Stored lines not copied to the archive: it lagged too far behind Loki.</param>
/// <param name="MalformedBodies">Telemetry bodies the intake could not read whole (<see cref="IntakeTrouble"/>).</param>
/// <param name="RefusedRequests">Requests to the telemetry port the intake refused or cut.</param>
internal sealed record DeliveryCounters(long Received, long Sent, long Pushes, long Retries, long Rejected, long Dropped, long Filtered,
    long MaybeDuplicated, long Generated, long Spilled, long Redelivered = 0, long SnapshotRecords = 0, long Archived = 0, long ArchiveCopies = 0,
    long ArchiveFailures = 0, long NotArchived = 0, long MalformedBodies = 0, long RefusedRequests = 0)
{
    public static DeliveryCounters Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public string Summary(long stillBuffered) =>
        $"received={Received} sent={Sent} pushes={Pushes} retries={Retries} rejected={Rejected} dropped={Dropped} " +
        $"filtered={Filtered} spilled={Spilled} maybe_duplicated={MaybeDuplicated} redelivered={Redelivered} unsent={stillBuffered}" +
        (SnapshotRecords > 0 ? $" snapshot_records_again={SnapshotRecords}" : "") +
        (Archived + ArchiveCopies + ArchiveFailures + NotArchived > 0
            ? $" archived={Archived} archive_copies={ArchiveCopies} archive_failures={ArchiveFailures} not_archived={NotArchived}" : "");
}
