using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Properties;

/// <summary>The worlds of the execution models other than on-demand. Managed Instances: never frozen, no INVOKE;
/// requests start and end concurrently and their lines interleave, each naming its own request (or none), and
/// runtimeDone comes for some only. SnapStart: the first event after init comes to a restored clone, with
/// platform.restoreStart and the snapshot's init records delivered again, before that event or after it (by the
/// roll). Provisioned concurrency: init lines pushed at the end of init.</summary>
internal sealed partial class LifecycleSimulation
{
    /// <summary>The discriminator of the snapshot's process; a restore draws another.</summary>
    private const long SnapshotDiscriminator = 4242;

    private readonly ExecutionModel _model;
    private readonly List<string> _openRequests = [];
    /// <summary>The request each line of a concurrent run named (null: none).</summary>
    private readonly Dictionary<int, string?> _requestOfLine = [];
    private readonly List<TelemetryRecord> _initRecords = [];
    private bool _restored;
    private bool _connectionsRenewed;

    /// <summary>What the shell would draw for a restored clone: never the snapshot's discriminator.</summary>
    private long RestoreDraw => (SnapshotDiscriminator + 1 + _roll * 7919) % EntryStamps.NanosPerMillisecond;

    private void StartConcurrentRequest()
    {
        string requestId = $"req-{++_nextRequest}";
        _openRequests.Add(requestId);
        Apply(new TelemetryReceived(_now, [Platform("platform.start", TelemetryKind.Start, new RecordFields { RequestId = requestId })]));
    }

    /// <summary>A request ends: its report, and (for some) its runtimeDone first.</summary>
    private void EndConcurrentRequest(int roll)
    {
        if (_openRequests.Count == 0)
        {
            return;
        }
        string requestId = _openRequests[roll % _openRequests.Count];
        _openRequests.Remove(requestId);
        var records = Seq<TelemetryRecord>();
        if (roll % 2 == 0)
        {
            records = records.Add(Platform("platform.runtimeDone", TelemetryKind.RuntimeDone, new RecordFields { RequestId = requestId, Status = "success" }));
        }
        Apply(new TelemetryReceived(_now, [.. records, Platform("platform.report", TelemetryKind.Report, new RecordFields { RequestId = requestId, Status = "success" })]));
    }

    /// <summary>JSON records of the open requests, interleaved; one in seven names no request.</summary>
    private Seq<TelemetryRecord> ConcurrentLines(int count)
    {
        var records = Seq<TelemetryRecord>();
        for (int i = 0; i < count; i++)
        {
            int id = ++_nextLine;
            string? requestId = _openRequests.Count == 0 || (_roll + i) % 7 == 0 ? null : _openRequests[(_roll + i) % _openRequests.Count];
            _requestOfLine[id] = requestId;
            records = records.Add(new TelemetryRecord(_now * 1_000_000, "function", TelemetryKind.Function, null, Utf8Line.From($"line {id}"),
                new RecordFields { RequestId = requestId, Level = "INFO" }));
        }
        ReceivedLines += count;
        return records;
    }

    private void RememberInitLines(Seq<TelemetryRecord> records)
    {
        if (_model == ExecutionModel.SnapStart && _state.Phase is Phase.EndingInit)
        {
            _initRecords.AddRange(records);
        }
    }

    /// <summary>SnapStart, the first event after init: by the roll, the restore records (and the snapshot's init records
    /// again) come before the event; else after it, and this says so.</summary>
    private bool RestoreBeforeEvent(WorldMove move)
    {
        if (_model != ExecutionModel.SnapStart || _restored || !_state.Snapshot.InitEnded)
        {
            return false;
        }
        _restored = true;
        if (move.Roll % 2 == 1)
        {
            return true;
        }
        Apply(new TelemetryReceived(_now, [.. Restore()], Draw: RestoreDraw));
        CheckRedrawn();
        return false;
    }

    private void RedeliverAfterEvent(bool due)
    {
        if (due)
        {
            CheckRedrawn();
            Apply(new TelemetryReceived(_now, [.. Restore()], Draw: (RestoreDraw + 17) % EntryStamps.NanosPerMillisecond));
        }
    }

    private Seq<TelemetryRecord> Restore() =>
        toSeq(_initRecords).Add(Platform("platform.restoreStart", TelemetryKind.RestoreStart, new RecordFields { RuntimeVersion = "java:21.v32" }));

    private void CheckRedrawn()
    {
        if (_state.Stamps.SandboxNanos == SnapshotDiscriminator)
        {
            _violations.Add("after the restore, entries are still stamped with the snapshot's discriminator");
        }
    }

    /// <summary>No push on a connection from before the snapshot; on Managed Instances, every entry's request is its
    /// own record's.</summary>
    private void CheckModelRules(ExtensionState before, PushStarted push)
    {
        if (_restored && (before.Snapshot.ConnectionsStale || !_connectionsRenewed) && before.Snapshot.Restored)
        {
            _violations.Add($"push {push.Batch.Id} after the restore before the connections were renewed");
        }
        foreach (LogEntry entry in push.Batch.Entries)
        {
            int id = LineId(entry.Line);
            if (_requestOfLine.TryGetValue(id, out string? expected))
            {
                string? actual = null;
                foreach (MetadataPair pair in entry.Metadata.Span)
                {
                    actual = pair.Name == "request_id" ? pair.Value : actual;
                }
                if (actual != expected)
                {
                    _violations.Add($"line {id} of request {expected ?? "(none)"} shipped with request_id {actual ?? "(none)"}");
                }
            }
        }
    }
}
