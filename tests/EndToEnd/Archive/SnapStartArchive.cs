using LokiLambdaExtension.Tools.S3Store;

namespace LokiLambdaExtension.EndToEnd.Archive;

/// <summary>The environment of a SnapStart sandbox that copies every line Loki stores to <see cref="S3Front"/>
/// (<c>LOKI_ARCHIVE_MODE=all</c>), for tests that look at what was archived before the snapshot. Init's push and its
/// copy's write must both fit in the flush budget for the copy to be written (and signed) before the snapshot: the
/// default second is ample natively, but not always for a first connection under qemu's emulation on a loaded machine
/// (CI's arm64 pass once archived nothing before the snapshot), so these sandboxes are given five.</summary>
internal static class SnapStartArchive
{
    public static (string Name, string Value)[] Environment(S3Front s3) =>
        [.. s3.Environment("lambda", "all").Select(v => (v.Key, v.Value)), ("LOKI_FLUSH_TIMEOUT_MS", "5000")];
}
