using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Properties;

/// <summary>Drives the pure lifecycle through a random but plausible world: invocations with deadlines, telemetry
/// arriving only while the sandbox is thawed, timers firing when armed, pushes answered in every way Loki can answer
/// (stored, rate limited with and without Retry-After, 5xx, 400, 413, 260, timeouts, stored-then-cut), and SHUTDOWN.
/// It checks the delivery rules at every decision and keeps a ledger of what Loki stored.</summary>
internal sealed class LifecycleSimulation
{
    private readonly Random _random;
    private readonly DeliveryPolicy _policy;
    private readonly LifecycleSettings _settings;
    private readonly List<string> _violations = [];
    private ExtensionState _state;
    private long _now = 1_700_000_000_000;
    private int _nextLine;
    private int _nextRequest;
    private string? _currentRequest;
    private bool _runtimeDoneSent;
    private long _runtimeDoneAt;
    private long _pushNotAfter;

    public LifecycleSimulation(int seed, DeliveryPolicy policy)
    {
        _random = new Random(seed);
        _policy = policy;
        _settings = LifecycleSettings.For(policy);
        _state = ExtensionState.Initial(policy);
    }

    public List<int> Stored { get; } = [];
    public System.Collections.Generic.HashSet<int> Settled { get; } = [];
    public int ReceivedLines { get; private set; }
    public bool MayDuplicate { get; private set; }
    /// <summary>Lines the core sent toward the spool, whether the write then succeeded or not.</summary>
    public System.Collections.Generic.HashSet<int> SpillAttempted { get; } = [];
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
    public bool LokiAlwaysStores { get; init; }

    public void Run(int steps)
    {
        Apply(new Initialized(_now));
        for (int step = 0; step < steps && !Exited; step++)
        {
            Advance(step == steps - 1);
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
                _now = Math.Min(_pushNotAfter, _now + _random.Next(0, 30));
                Store(batch);
                Apply(new PushFinished(_now, batch.Id, new PushOutcome.Delivered(), _random.NextDouble()));
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

    private void Advance(bool last)
    {
        long target = _now + _random.Next(0, 60);
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
            PushOutcome outcome = LokiAlwaysStores ? StoredOutcome(late)
                : _random.Next(2) == 0 ? StoredThenCut(late) : new PushOutcome.Retryable("no answer in time", null, true);
            Apply(new PushFinished(_now, late.Id, outcome, _random.NextDouble()));
            return;
        }
        _now = target;
        bool thawed = _state.Phase is not Phase.AwaitingEvent;
        int choice = _random.Next(100);
        if (_state.Delivery.InFlight.Case is PushBatch batch && choice < 45)
        {
            Apply(new PushFinished(_now, batch.Id, RandomOutcomes(batch), _random.NextDouble()));
        }
        else if (_state.Phase is Phase.AwaitingEvent && choice < 70)
        {
            if (last || _random.Next(40) == 0)
            {
                _currentRequest = null;
                Apply(new ShutdownReceived(_now, _now + 2000, "spindown"));
            }
            else
            {
                _currentRequest = $"req-{++_nextRequest}";
                _runtimeDoneSent = false;
                Apply(new InvokeReceived(_now, _currentRequest, _now + _random.Next(300, 5000)));
            }
        }
        else if (thawed)
        {
            Apply(new TelemetryReceived(_now, RandomTelemetry()));
        }
    }

    private Seq<TelemetryRecord> RandomTelemetry()
    {
        var records = Seq<TelemetryRecord>();
        int lines = _random.Next(0, 6);
        for (int i = 0; i < lines; i++)
        {
            int id = ++_nextLine;
            records = records.Add(new TelemetryRecord(_now * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From($"line {id}"), null, RecordFields.None));
        }
        ReceivedLines += lines;
        if (_currentRequest is not null && !_runtimeDoneSent && _random.Next(3) == 0)
        {
            _runtimeDoneSent = true;
            _runtimeDoneAt = _now;
            records = records.Add(new TelemetryRecord(_now * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null,
                Utf8Line.From("{}"), new RecordFields { RequestId = _currentRequest, Status = "success" }));
        }
        return records;
    }

    /// <summary>Each stream of a batch is its own push request, answered on its own.</summary>
    private StreamOutcomes RandomOutcomes(PushBatch batch)
    {
        StreamOutcomes outcomes = new PushOutcome.Delivered();
        foreach (StreamKind stream in batch.Streams())
        {
            outcomes = outcomes.With(stream, RandomOutcome(batch.Only(s => s == stream)));
        }
        return outcomes;
    }

    private PushOutcome RandomOutcome(PushBatch batch) => LokiAlwaysStores ? StoredOutcome(batch) : _random.Next(12) switch
    {
        0 => new PushOutcome.Retryable("HTTP 429", RetryAfterMs: _random.Next(0, 3000), MayHaveBeenStored: false),
        1 => new PushOutcome.Retryable("HTTP 429", RetryAfterMs: null, MayHaveBeenStored: false),
        2 => new PushOutcome.Retryable("HTTP 503", null, MayHaveBeenStored: false),
        3 => new PushOutcome.Retryable("connection refused", null, MayHaveBeenStored: false),
        4 => StoredThenCut(batch),
        5 => Settle(batch, new PushOutcome.Rejected(400, "line too long")),
        6 => batch.Entries.Length == 1 ? Settle(batch, new PushOutcome.TooLarge()) : new PushOutcome.TooLarge(),
        7 => Settle(batch, new PushOutcome.Blocked("ingestion blocked")),
        _ => StoredOutcome(batch),
    };

    private PushOutcome StoredOutcome(PushBatch batch)
    {
        Store(batch);
        return new PushOutcome.Delivered();
    }

    /// <summary>Loki stored the push, but the answer never arrived (a timeout or a cut connection).</summary>
    private PushOutcome StoredThenCut(PushBatch batch)
    {
        Store(batch);
        MayDuplicate = true;
        return new PushOutcome.Retryable("timeout", null, MayHaveBeenStored: true);
    }

    private PushOutcome Settle(PushBatch batch, PushOutcome outcome)
    {
        // A single-entry 413 is rejected too; which lines the core gave up on is all that matters here.
        foreach (var entry in batch.Entries)
        {
            Settled.Add(LineId(entry.Line));
        }
        return outcome;
    }

    private void Store(PushBatch batch)
    {
        foreach (var entry in batch.Entries)
        {
            if (entry.Line.StartsWith("line "u8))
            {
                Stored.Add(LineId(entry.Line));
            }
        }
    }

    private System.Collections.Generic.HashSet<int> PendingLines =>
        [.. _state.Buffer.Entries.Select(e => LineId(e.Line)).Where(id => id > 0)];

    private static int LineId(Utf8Line line) => line.StartsWith("line "u8) ? int.Parse(line.Span[5..]) : -1;

    /// <summary>The simulated spool: what was written, by file id.</summary>
    private readonly Dictionary<long, System.Collections.Immutable.ImmutableArray<LogEntry>> _disk = [];

    /// <summary>Every line id the core still holds somewhere: memory, in flight, being spilled, on disk, being read.</summary>
    public System.Collections.Generic.HashSet<int> HeldLines
    {
        get
        {
            var held = new System.Collections.Generic.HashSet<int>(PendingLines);
            foreach (var entry in _state.Delivery.InFlight.Map(b => b.Entries.AsEnumerable()).IfNone([])
                         .Concat(_state.Spool.Spilling.Map(s => s.Entries.AsEnumerable()).IfNone([]))
                         .Concat(_disk.Values.SelectMany(e => e)))
            {
                held.Add(LineId(entry.Line));
            }
            return held;
        }
    }

    /// <summary>The disk answers at once: writes fail one time in ten, reads give back what was written.</summary>
    private void AnswerSpool(Seq<Decision> decisions)
    {
        foreach (Decision decision in decisions)
        {
            switch (decision)
            {
                case SpillStarted spill:
                    SpillAttempted.UnionWith(spill.Entries.Select(e => LineId(e.Line)));
                    bool fails = _random.Next(10) == 0;
                    if (!fails)
                    {
                        _disk[spill.File.Id] = spill.Entries;
                    }
                    Apply(new SpillFinished(_now, spill.File.Id, fails ? "disk full" : null));
                    break;
                case SpoolLoadStarted load:
                    var entries = _disk[load.File.Id];
                    _disk.Remove(load.File.Id);
                    Apply(new SpoolLoaded(_now, load.File.Id, entries, null));
                    break;
            }
        }
    }

    private void Apply(Observation observation)
    {
        Trace?.Invoke($"{observation.GetType().Name} now={observation.NowMs} {(observation is TelemetryReceived t ? string.Join(",", t.Records.Select(r => r.Kind)) : observation is PushFinished f ? f.Outcomes.ToString() : "")} phase={_state.Phase.GetType().Name} timer={_state.TimerAtMs} retryAt={_state.Delivery.RetryAtMs} inflight={_state.Delivery.InFlight.IsSome}");
        ExtensionState state = Lifecycle.Evolve(_settings, _state, observation);
        var (next, decisions) = Lifecycle.Step(_settings, _state, observation);
        foreach (Decision decision in decisions)
        {
            Trace?.Invoke($"   -> {(decision is PushStarted ps ? $"PushStarted {ps.Batch.Id}: {string.Join(",", ps.Batch.Entries.Select(e => e.Line))}" : decision.ToString())}");
            Check(state, decision);
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
                if (before.Phase is Phase.AwaitingEvent or Phase.Exited)
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
                _pushNotAfter = push.NotAfterMs;
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

    private void CheckConservation()
    {
        DeliveryCounters c = _state.Counters;
        long accounted = c.Sent + c.Rejected + c.Dropped + c.Filtered + _state.Undelivered;
        if (accounted != c.Received + c.Generated)
        {
            _violations.Add($"received {c.Received} + generated {c.Generated} but accounted {accounted} (sent {c.Sent}, " +
                            $"rejected {c.Rejected}, dropped {c.Dropped}, undelivered {_state.Undelivered})");
        }
        if (_state.Buffer.Bytes > _policy.MaxBufferBytes + 4096)
        {
            _violations.Add($"{_state.Buffer.Bytes} bytes buffered in memory, over the cap of {_policy.MaxBufferBytes}");
        }
    }
}
