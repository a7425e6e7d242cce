using System.Collections.Immutable;
using LanguageExt;
using static LanguageExt.Prelude;
using HashSetOfIds = System.Collections.Generic.HashSet<int>;

namespace LokiLambdaExtension.Properties;

/// <summary>Drives the pure lifecycle through a world FsCheck generates (see <see cref="WorldMove"/>): invocations with
/// deadlines, telemetry arriving only while the sandbox is thawed (platform.start, lines some of which the drop pattern
/// keeps back, runtimeDone, logsDropped, late REPORTs), timers firing when armed, pushes answered in every way Loki can
/// answer (stored, rate limited with and without Retry-After, 5xx, 400, 413, 260, timeouts, stored-then-cut, a crash
/// inside the extension), a disk that sometimes refuses, and SHUTDOWN. It checks the delivery rules at every decision
/// and keeps a ledger of what Loki stored. Each execution model plays its own world (LifecycleSimulation.Models.cs).</summary>
internal sealed partial class LifecycleSimulation
{
    private readonly DeliveryPolicy _policy;
    private readonly LifecycleSettings _settings;
    private readonly List<string> _violations = [];
    private ExtensionState _state;
    private long _now = 1_700_000_000_000;
    private int _nextLine;
    private int _nextRequest;
    private int _spills;
    private int _roll;
    private string? _currentRequest;
    private bool _startSent;
    private bool _runtimeDoneSent;
    private long _runtimeDoneAt;
    private long _pushNotAfter;

    public LifecycleSimulation(DeliveryPolicy policy, ExecutionModel model = ExecutionModel.OnDemand, ArchiveMode? archive = null)
    {
        _policy = policy;
        _model = model;
        var shaping = new EntryShaping(LineLimit.DefaultMaxBytes, "", "", new LineFilter(new System.Text.RegularExpressions.Regex("^drop "), null));
        _settings = WithArchive(LifecycleSettings.For(policy, shaping, model), archive);
        _state = ExtensionState.Initial(policy, SnapshotDiscriminator);
    }

    private readonly SimulatedLoki _loki = new();

    /// <summary>Line ids in the order Loki stored them.</summary>
    public List<int> Stored => _loki.Stored;
    /// <summary>Lines Loki refused for good: the core gave up on them, and said so.</summary>
    public HashSetOfIds Settled => _loki.Settled;
    /// <summary>Lines the drop pattern kept back: never to be stored.</summary>
    public HashSetOfIds Filtered { get; } = [];
    public int ReceivedLines { get; private set; }
    public bool MayDuplicate => _loki.MayDuplicate;
    /// <summary>Lines the core sent toward the spool, whether the write then succeeded or not.</summary>
    public HashSetOfIds SpillAttempted { get; } = [];
    public bool Exited { get; private set; }

    /// <summary>SHUTDOWN came during the drain, when Loki answers every push: nothing may be left unsent then.</summary>
    public bool ShutdownWhileLokiHealthy { get; private set; }

    /// <summary>The extension exited before its SHUTDOWN deadline (as opposed to running out of time).</summary>
    public bool ExitedBeforeDeadline { get; private set; }
    public IReadOnlyList<string> Violations => _violations;
    public ExtensionState State => _state;
    public long MaxHeldAfterRuntimeDoneMs { get; private set; }

    public Action<string>? Trace { get; init; }

    /// <summary>Loki stores every push at once: no failures, so nothing is reordered by retries or spooling.</summary>
    public bool LokiAlwaysStores { get => _loki.AlwaysStores; init => _loki.AlwaysStores = value; }

    public void Run(IEnumerable<WorldMove> moves)
    {
        Apply(new Initialized(_now));
        foreach (WorldMove move in moves)
        {
            if (Exited)
            {
                break;
            }
            _roll = move.Roll;
            Play(move);
        }
        // Drain: Loki answers everything, the runtime finishes, then SHUTDOWN, until the extension exits.
        for (int guard = 0; guard < 10_000 && !Exited; guard++)
        {
            if (_state.Phase is Phase.AwaitingEvent)
            {
                _currentRequest = null;
                ShutdownWhileLokiHealthy = true;
                Apply(new ShutdownReceived(_now, _now + 2000, "spindown"));
            }
            else if (_state.Delivery.InFlight.Case is PushBatch batch)
            {
                _now = Math.Min(_pushNotAfter, _now + 10);
                _loki.Store(batch);
                Apply(new PushFinished(_now, batch.Id, new PushOutcome.Delivered(), 0.5));
            }
            else if (ArchiveWriting)
            {
                _now = Math.Min(_archiveNotAfter, _now + 10);
                AnswerArchive(cut: false);
            }
            else if (_state.TimerAtMs.Case is long at)
            {
                _now = Math.Max(_now, at);
                Apply(new TimerFired(_now));
            }
            else
            {
                _violations.Add($"stuck in {_state.Phase} with nothing in flight and no timer");
                return;
            }
        }
    }

    private void Play(WorldMove move)
    {
        // Every move takes time (a wait its amount, anything else a little): what falls due meanwhile comes first, as it
        // would in the shell, and the move is played after it.
        long target = _now + (move.Kind == MoveKind.Wait ? move.Amount : 1 + move.Roll % 30);
        long pushDeadline = _state.Delivery.InFlight.IsSome ? _pushNotAfter : long.MaxValue;
        if (_state.TimerAtMs.Case is long timerAt && target >= timerAt && timerAt <= pushDeadline)
        {
            _now = Math.Max(_now, timerAt);
            Apply(new TimerFired(_now));
            return;
        }
        if (_state.Delivery.InFlight.Case is PushBatch late && target >= _pushNotAfter)
        {
            // The shell cancels a push at its NotAfterMs: it ends then, stored or not.
            _now = Math.Max(_now, _pushNotAfter);
            PushOutcome outcome = _loki.CutOff(late, move.Roll);
            Apply(new PushFinished(_now, late.Id, outcome, move.Roll / 100.0));
            return;
        }
        if (ArchiveWriting && target >= _archiveNotAfter)
        {
            // Cut at its NotAfterMs, as the shell cancels it.
            _now = Math.Max(_now, _archiveNotAfter);
            AnswerArchive(cut: true);
            return;
        }
        _now = target;
        bool thawed = _state.Phase is not (Phase.AwaitingEvent or Phase.Exited) || (_model.NeverFrozen() && _state.Phase is not Phase.Exited);
        switch (move.Kind)
        {
            case MoveKind.Answer when ArchiveWriting && (_state.Delivery.InFlight.IsNone || move.Roll % 2 == 0):
                AnswerArchive(cut: false);
                break;
            case MoveKind.Answer when _state.Delivery.InFlight.Case is PushBatch batch:
                Apply(new PushFinished(_now, batch.Id, _loki.Answer(batch, move.Roll), move.Roll / 100.0));
                break;
            case MoveKind.Invoke when _model.RunsConcurrently() && thawed && move.Roll >= 3:
                StartConcurrentRequest();
                break;
            case MoveKind.Invoke when _state.Phase is Phase.AwaitingEvent && move.Roll >= 3:
                _currentRequest = $"req-{++_nextRequest}";
                (_startSent, _runtimeDoneSent) = (false, false);
                bool restoredAfter = RestoreBeforeEvent(move);
                Apply(new InvokeReceived(_now, _currentRequest, _now + move.Amount, RestoreDraw));
                RedeliverAfterEvent(restoredAfter);
                break;
            case MoveKind.Shutdown or MoveKind.Invoke when _state.Phase is Phase.AwaitingEvent:
                _currentRequest = null;
                bool restoredLater = RestoreBeforeEvent(move);
                Apply(new ShutdownReceived(_now, _now + 2000, "spindown", RestoreDraw));
                RedeliverAfterEvent(restoredLater);
                break;
            case MoveKind.RuntimeDone when _state.Phase is Phase.EndingInit:
                Apply(new TelemetryReceived(_now, [Platform("platform.initRuntimeDone", TelemetryKind.InitRuntimeDone, new RecordFields { Status = "success" })]));
                break;
            case MoveKind.RuntimeDone when _model.RunsConcurrently() && thawed:
                EndConcurrentRequest(move.Roll);
                break;
            case MoveKind.Lines when thawed:
                ImmutableArray<TelemetryRecord> lines = [.. Lines(move.Amount)];
                Apply(new TelemetryReceived(_now, lines, Verdicts: _settings.Shaping.Filter.Sift(lines, LineLimit.DefaultMaxBytes)));
                break;
            case MoveKind.RuntimeDone when thawed && _currentRequest is not null && !_runtimeDoneSent:
                (_runtimeDoneSent, _runtimeDoneAt) = (true, _now);
                Apply(new TelemetryReceived(_now, [Platform("platform.runtimeDone", TelemetryKind.RuntimeDone,
                    new RecordFields { RequestId = _currentRequest, Status = "success" })]));
                break;
            case MoveKind.PlatformExtras when thawed:
                Apply(new TelemetryReceived(_now, [move.Roll < 50
                    ? Platform("platform.logsDropped", TelemetryKind.LogsDropped, new RecordFields { DroppedRecords = 3, DroppedBytes = 300, Reason = "too slow" })
                    : Platform("platform.report", TelemetryKind.Report, new RecordFields { RequestId = $"req-{_nextRequest}", Status = "success" })]));
                break;
        }
    }

    private TelemetryRecord Platform(string type, TelemetryKind kind, RecordFields fields) =>
        new(_now * 1_000_000, type, kind, null, Utf8Line.From("{}"), fields);

    /// <summary>A body of function lines, after the invocation's platform.start when it has not come yet; one line in
    /// five (by the roll) is one the drop pattern keeps back.</summary>
    private Seq<TelemetryRecord> Lines(int count)
    {
        if (_model.RunsConcurrently())
        {
            return ConcurrentLines(count);
        }
        var records = Seq<TelemetryRecord>();
        if (_currentRequest is not null && !_startSent)
        {
            _startSent = true;
            records = records.Add(Platform("platform.start", TelemetryKind.Start, new RecordFields { RequestId = _currentRequest }));
        }
        for (int i = 0; i < count; i++)
        {
            int id = ++_nextLine;
            bool dropped = (_roll + i) % 5 == 0;
            (dropped ? Filtered : null)?.Add(id);
            records = records.Add(new TelemetryRecord(_now * 1_000_000, "function", TelemetryKind.Function,
                Utf8Line.From(dropped ? $"drop {id}" : $"line {id}"), null, RecordFields.None));
        }
        ReceivedLines += count;
        RememberInitLines(records);
        return records;
    }

    private static int LineId(Utf8Line line) => SimulatedLoki.LineId(line);

    private void Apply(Observation observation)
    {
        Trace?.Invoke($"{observation.GetType().Name} now={observation.NowMs} {(observation is TelemetryReceived t ? string.Join(",", t.Records.Select(r => r.Kind)) : observation is PushFinished f ? f.Outcomes.ToString() : "")} phase={_state.Phase.GetType().Name} timer={_state.TimerAtMs} retryAt={_state.Delivery.RetryAtMs} inflight={_state.Delivery.InFlight.IsSome}");
        ExtensionState state = Lifecycle.Evolve(_settings, _state, observation);
        var (next, decisions) = Lifecycle.Step(_settings, _state, observation);
        foreach (Decision decision in decisions)
        {
            Trace?.Invoke($"   -> {(decision is PushStarted ps ? $"PushStarted {ps.Batch.Id}: {string.Join(",", ps.Batch.Entries.Select(e => e.Line))}" : decision.ToString())}");
            Check(state, decision);
            CheckArchive(state, decision);
            state = Lifecycle.Evolve(_settings, state, decision);
        }
        _state = next;
        CheckConservation();
        AnswerSpool(decisions);
    }

    private void Check(ExtensionState before, Decision decision)
    {
        switch (decision)
        {
            case PushStarted push:
                CheckModelRules(before, push);
                if (before.Phase is Phase.Exited || (before.Phase is Phase.AwaitingEvent && !_model.NeverFrozen()))
                {
                    _violations.Add($"push {push.Batch.Id} started while {before.Phase}");
                }
                if (before.Delivery.InFlight.IsSome)
                {
                    _violations.Add($"push {push.Batch.Id} started while another push is in flight");
                }
                if (push.Batch.Bytes > Math.Max(before.Delivery.BatchCap, push.Batch.Entries.Max(e => e.ApproximateBytes)) || before.Delivery.BatchCap > _policy.MaxBatchBytes)
                {
                    _violations.Add($"push {push.Batch.Id} of {push.Batch.Bytes} bytes exceeds the batch cap");
                }
                if (push.NotAfterMs - before.NowMs < Math.Min(200, _policy.FlushBudgetMs / 2)) // too short to be answered
                {
                    _violations.Add($"push {push.Batch.Id} started {push.NotAfterMs - before.NowMs} ms before its cut-off");
                }
                _pushNotAfter = push.NotAfterMs;
                break;
            case ConnectionsRenewed:
                _connectionsRenewed = true;
                break;
            case NextCalled:
                if (before.Delivery.InFlight.IsSome)
                {
                    _violations.Add("/event/next called with a push in flight");
                }
                if (before.Phase is Phase.Invoked { RuntimeDone: true })
                {
                    long held = before.NowMs - _runtimeDoneAt;
                    Trace?.Invoke($"   held {held} (runtimeDone at {_runtimeDoneAt}, phase {before.Phase})");
                    MaxHeldAfterRuntimeDoneMs = Math.Max(MaxHeldAfterRuntimeDoneMs, held);
                }
                break;
            case ExitRequested:
                Exited = true;
                ExitedBeforeDeadline = before.Phase is Phase.ShuttingDown shutdown && before.NowMs < shutdown.ExitByMs;
                if (before.Delivery.InFlight.IsSome)
                {
                    _violations.Add("exit with a push in flight");
                }
                break;
        }
    }
}
