using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>Where the S3 archive stands: what waits to be written, the object being written, backoff.</summary>
/// <param name="Rescued">Lines shed from a full buffer that the archive keeps instead (they are not in Loki).</param>
/// <param name="Copies">With <c>LOKI_ARCHIVE_MODE=all</c>: entries Loki stored, waiting to fill an object.</param>
/// <param name="CopiesSinceMs">When the oldest of <paramref name="Copies"/> was stored.</param>
/// <param name="Writing">The object being written: its entries are the core's until S3 confirms it.</param>
/// <param name="NextObject">This process's next object number (the key's <c>n</c>).</param>
/// <param name="RetryAtMs">No write before this time (backoff after a failure).</param>
/// <param name="Attempt">Consecutive failed writes.</param>
/// <param name="FailureTold">A failure was told and no write succeeded since: the next failure is not told again, the
/// next success is.</param>
internal sealed record ArchiveState(EntryBuffer Rescued, EntryBuffer Copies, long CopiesSinceMs, Option<ArchiveStarted> Writing, long NextObject,
    long RetryAtMs, int Attempt, bool FailureTold)
{
    public static ArchiveState Start { get; } = new(EntryBuffer.Empty, EntryBuffer.Empty, 0, None, 1, 0, 0, false);

    public bool IsWriting => Writing.IsSome;

    /// <summary>Entries the archive answers for that are in neither Loki nor S3 yet.</summary>
    public long Undelivered => Rescued.Count + Writing.Map(w => w.Source == ArchiveSource.Copies ? 0L : w.Taken.Entries.Length).IfNone(0);

    /// <summary>Whether anything waits to be written, or is being written.</summary>
    public bool IsIdle => Rescued.IsEmpty && Copies.IsEmpty && Writing.IsNone;
}

/// <summary>Where an object's entries were taken from, and go back to when the write fails.</summary>
internal enum ArchiveSource
{
    /// <summary>Memory, at SHUTDOWN, once Loki is given up on.</summary>
    Buffer,

    /// <summary>Lines shed from a full buffer.</summary>
    Rescued,

    /// <summary>Copies of what Loki stored (<c>LOKI_ARCHIVE_MODE=all</c>).</summary>
    Copies,
}
