using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Spool;

/// <summary>The spool on /tmp: the files written, the one being written, the one being read back.</summary>
/// <param name="Files">Spilled files, oldest first.</param>
/// <param name="Bytes">Their total size, as <see cref="LogEntry.ApproximateBytes"/>.</param>
/// <param name="Spilling">Entries being written: still the core's until the write is confirmed.</param>
/// <param name="Loading">The file being read back.</param>
/// <param name="Works">False once a write failed: from then on memory alone, with shedding.</param>
internal sealed record SpoolState(Seq<SpoolFile> Files, long Bytes, long NextId, Option<PushBatch> Spilling, Option<SpoolFile> Loading, bool Works)
{
    public static SpoolState Start(bool enabled) => new(Seq<SpoolFile>(), 0, 1, None, None, enabled);

    /// <summary>Entries the spool answers for: written, being written, being read back.</summary>
    public long Entries => Files.Sum(f => (long)f.Count) + Spilling.Map(s => (long)s.Entries.Length).IfNone(0) + Loading.Map(f => (long)f.Count).IfNone(0);

    public bool IsIdle => Spilling.IsNone && Loading.IsNone;
}
