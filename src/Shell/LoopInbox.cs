using System.Runtime.ExceptionServices;

namespace LokiLambdaExtension.Shell;

/// <summary>Where the delivery loop's observations meet its one fold. An observation is folded on the thread that hands
/// it in (a socket's, a spool file's), when no other thread is folding: the answer from <c>/event/next</c>, a telemetry
/// body and a push's answer, which all come on the socket thread, are folded there without waking another thread. The
/// main thread keeps what is timed (the core's one timer, the deadlines of the requests under way: pushes, fetches, and
/// the telemetry listener's requests, refusals and idle connections, so the runtime starts no timer thread for them; its
/// waits at the connection cap and after a failed accept still use <see cref="Task.Delay(int)"/>), waiting with
/// <see cref="Monitor.Wait(object, int)"/> until the earliest of them, and is woken only for an earlier one or the end.
/// At 128 MB (7.2% of a CPU) each wake is a context switch and tens of microseconds the function does not get.
/// One thread folds at a time, in the order observations were handed in; the lock hands the state from one to the next.</summary>
internal sealed class LoopInbox
{
    private readonly Queue<Observation> _observations = new();
    /// <summary>The requests under way and when each must be given up (cancelled by the main thread when it is due).</summary>
    private readonly List<(long AtMs, CancellationTokenSource Cancellation)> _deadlines = [];
    private long? _timerAtMs;
    /// <summary>Folds one observation and performs its decisions; the exit code once the core asks to exit. Null until
    /// <see cref="Run"/>: what comes before waits in the queue.</summary>
    private Func<Observation, int?>? _fold;
    private bool _folding;
    private int? _exitCode;
    private ExceptionDispatchInfo? _fault;
    /// <summary>When the main thread's wait ends, while it waits: a timer or deadline earlier than this wakes it.</summary>
    private long? _mainWakeAtMs;

    /// <summary>Hands the loop an observation, from any thread; folds it here when no other thread is folding.</summary>
    public void Post(Observation observation)
    {
        lock (_observations)
        {
            _observations.Enqueue(observation);
            if (!TakeTheFold())
            {
                return;
            }
        }
        Fold();
    }

    /// <summary>The core's timer (<see cref="IEffects.ArmTimer"/>), replacing the one before; from the folding thread.</summary>
    public void ArmTimer(long atMs)
    {
        lock (_observations)
        {
            _timerAtMs = atMs;
            WakeMainIfSooner(atMs);
        }
    }

    /// <summary>A request's deadline: its token is cancelled at <paramref name="atMs"/> (the core's time) unless the
    /// deadline is disposed first, when the request is over.</summary>
    public RequestDeadline Deadline(long atMs)
    {
        var deadline = new RequestDeadline(this);
        lock (_observations)
        {
            _deadlines.Add((atMs, deadline.Cancellation));
            WakeMainIfSooner(atMs);
        }
        return deadline;
    }

    /// <summary>The request is over: its deadline no longer wakes the loop. From any thread.</summary>
    private void Release(CancellationTokenSource cancellation)
    {
        lock (_observations)
        {
            _deadlines.RemoveAll(d => d.Cancellation == cancellation);
        }
        // Not disposed: the loop may be cancelling it at this moment (a source with no timer holds nothing to free).
    }

    /// <summary>A request's deadline kept by the loop (<see cref="Deadline"/>); disposing it, whatever way the request
    /// ended, takes it out of the loop's wait.</summary>
    internal sealed class RequestDeadline(LoopInbox inbox) : IDisposable
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public CancellationToken Token => Cancellation.Token;

        public void Dispose() => inbox.Release(Cancellation);
    }

    /// <summary>Runs the loop on the calling thread (the main thread) until <paramref name="fold"/> gives an exit code:
    /// folds what was handed in before, then keeps the timer and the deadlines, folding <see cref="TimerFired"/> when
    /// the timer is due and cancelling a request whose deadline is. A fold that throws ends the loop with its exception.</summary>
    public int Run(Func<Observation, int?> fold)
    {
        lock (_observations)
        {
            _fold = fold;
        }
        while (true)
        {
            List<CancellationTokenSource> due;
            bool foldHere;
            lock (_observations)
            {
                while (true)
                {
                    _fault?.Throw();
                    if (_exitCode is { } exitCode)
                    {
                        return exitCode;
                    }
                    long now = ShellClock.NowMs;
                    if (_timerAtMs is { } timer && timer <= now)
                    {
                        _timerAtMs = null;
                        _observations.Enqueue(Observations.TimerFired(now));
                    }
                    (due, long wakeAt) = TakeDue(now);
                    foldHere = TakeTheFold();
                    if (foldHere || due.Count > 0)
                    {
                        break;
                    }
                    _mainWakeAtMs = wakeAt;
                    Monitor.Wait(_observations, wakeAt == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp(wakeAt - now, 1, int.MaxValue));
                    _mainWakeAtMs = null;
                }
            }
            // Outside the lock: a cancelled request may hand in its outcome at once, on this thread, and fold it.
            due.ForEach(c => c.Cancel());
            if (foldHere)
            {
                Fold();
            }
        }
    }

    /// <summary>Under the lock: takes out the deadlines that are due, and says when the next timed thing is. A plain loop:
    /// LINQ's Where/Select here cost a generic virtual method lookup on the first wake (perf, start-up profile).</summary>
    private (List<CancellationTokenSource> Due, long WakeAtMs) TakeDue(long now)
    {
        var due = new List<CancellationTokenSource>();
        long wakeAt = _timerAtMs ?? long.MaxValue;
        for (int i = _deadlines.Count - 1; i >= 0; i--)
        {
            (long atMs, CancellationTokenSource cancellation) = _deadlines[i];
            if (atMs <= now)
            {
                due.Add(cancellation);
                _deadlines.RemoveAt(i);
            }
            else
            {
                wakeAt = Math.Min(wakeAt, atMs);
            }
        }
        return (due, wakeAt);
    }

    /// <summary>Whether the calling thread is now the one folding (under the lock): there is something to fold, the
    /// loop runs and has not ended, and no other thread folds.</summary>
    private bool TakeTheFold()
    {
        if (_fold is null || _folding || _exitCode is not null || _fault is not null || _observations.Count == 0)
        {
            return false;
        }
        _folding = true;
        return true;
    }

    /// <summary>Folds the queue until it is empty; the lock is held only to take each observation, never while folding,
    /// so other threads keep handing observations in (they wait in the queue for this thread).</summary>
    private void Fold()
    {
        while (true)
        {
            Observation observation;
            lock (_observations)
            {
                if (_observations.Count == 0)
                {
                    _folding = false;
                    return;
                }
                observation = _observations.Dequeue();
            }
            try
            {
                if (_fold!(observation) is { } exitCode)
                {
                    End(exitCode, null);
                    return;
                }
            }
            catch (Exception e)
            {
                End(null, ExceptionDispatchInfo.Capture(e));
                return;
            }
        }
    }

    private void End(int? exitCode, ExceptionDispatchInfo? fault)
    {
        lock (_observations)
        {
            (_exitCode, _fault, _folding) = (exitCode, fault, false);
            Monitor.Pulse(_observations);
        }
    }

    /// <summary>Under the lock: the main thread, waiting, is woken when something timed comes due before its wait ends.</summary>
    private void WakeMainIfSooner(long atMs)
    {
        if (_mainWakeAtMs is { } wakeAt && atMs < wakeAt)
        {
            _mainWakeAtMs = atMs;
            Monitor.Pulse(_observations);
        }
    }
}
