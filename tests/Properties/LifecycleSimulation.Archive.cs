using LanguageExt;
using HashSetOfIds = System.Collections.Generic.HashSet<int>;

namespace LokiLambdaExtension.Properties;

/// <summary>The simulated S3 archive: writes take time like pushes, end when answered or cut at their NotAfterMs, and
/// one in four is refused; and the archive's own rules, checked at every decision.</summary>
internal sealed partial class LifecycleSimulation
{
    private int _archiveWrites;
    private long _archiveNotAfter;

    /// <summary>Line ids S3 stored, with how many times.</summary>
    public Dictionary<int, int> ArchivedLines { get; } = [];

    /// <summary>Line ids of objects written as copies (LOKI_ARCHIVE_MODE=all).</summary>
    public HashSetOfIds CopiedLines { get; } = [];

    /// <summary>S3 refuses no write (else one in four).</summary>
    public bool S3AlwaysStores { get; init; }

    private static LifecycleSettings WithArchive(LifecycleSettings settings, ArchiveMode? mode) => mode is ArchiveMode m
        ? settings with
        {
            Archive = new ArchiveTarget(new ArchiveLocation("log-archive", "lambda"), m, Prelude.None, "eu-west-1", "orders-api"),
            AccessOrNone = AccessSettings.None with { Credentials = new CredentialSource.EnvironmentKeys(new AwsCredentials("AKID", "secret", null)) },
        }
        : settings;

    private bool ArchiveWriting => _state.Archive.IsWriting;

    /// <summary>Ends the write under way: stored, or refused (by the roll), or cut at its NotAfterMs.</summary>
    private void AnswerArchive(bool cut)
    {
        if (_state.Archive.Writing.Case is not ArchiveStarted write)
        {
            return;
        }
        bool refused = cut || (!S3AlwaysStores && ++_archiveWrites % 4 == 2);
        if (!refused)
        {
            foreach (LogEntry entry in write.Taken.Entries)
            {
                int id = LineId(entry.Line);
                if (id > 0)
                {
                    ArchivedLines[id] = ArchivedLines.GetValueOrDefault(id) + 1;
                    (write.Source == ArchiveSource.Copies ? CopiedLines : null)?.Add(id);
                }
            }
        }
        Apply(new ArchiveFinished(_now, write.ObjectId, refused ? (cut ? "no answer in time" : "HTTP 503 SlowDown") : null, 0.5));
    }

    private void CheckArchive(ExtensionState before, Decision decision)
    {
        switch (decision)
        {
            case ArchiveStarted write:
                bool initFlush = before.Phase is Phase.EndingInit { RuntimeDone: true } && _model.PushesInit();
                if (before.Phase is Phase.Exited or Phase.Initializing || (before.Phase is Phase.EndingInit && !initFlush)
                    || (before.Phase is Phase.AwaitingEvent && !_model.NeverFrozen()))
                {
                    _violations.Add($"archive write {write.ObjectId} started while {before.Phase}");
                }
                if (before.Archive.IsWriting)
                {
                    _violations.Add($"archive write {write.ObjectId} started while another is under way");
                }
                long bound = before.Phase switch
                {
                    Phase.Invoked invoked => invoked.FlushUntilMs.IfNone(invoked.DeadlineMs - _policy.DeadlineMarginMs),
                    Phase.ShuttingDown shutdown => shutdown.ExitByMs,
                    Phase.EndingInit init => init.FlushUntilMs.IfNone(before.NowMs),
                    _ => before.NowMs + _policy.FlushBudgetMs,
                };
                if (write.NotAfterMs > bound)
                {
                    _violations.Add($"archive write {write.ObjectId} may run until {write.NotAfterMs}, past {bound} ({before.Phase})");
                }
                if (write.Taken.Entries.IsEmpty)
                {
                    _violations.Add($"archive write {write.ObjectId} of no entries");
                }
                _archiveNotAfter = write.NotAfterMs;
                break;
            case NextCalled when before.Archive.IsWriting:
                _violations.Add("/event/next called with an archive write under way");
                break;
            case ExitRequested when before.Archive.IsWriting && before.Phase is Phase.ShuttingDown s && before.NowMs < s.ExitByMs:
                _violations.Add("exit with an archive write under way and time left");
                break;
        }
    }

    /// <summary>Line ids the archive holds in memory, not yet in S3 nor in Loki.</summary>
    private IEnumerable<LogEntry> ArchiveHeld() =>
        _state.Archive.Rescued.Entries.Concat(_state.Archive.Writing.Map(w => w.Source == ArchiveSource.Copies ? [] : w.Taken.Entries.AsEnumerable()).IfNone([]));
}
