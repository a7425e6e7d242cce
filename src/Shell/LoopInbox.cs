namespace LokiLambdaExtension.Shell;

/// <summary>What the delivery loop waits for, on the main thread: observations handed in from other threads (a socket's,
/// a spool file's), the core's one timer, and the deadlines of the requests under way. The waiting is the loop's own
/// (<see cref="Monitor.Wait(object, int)"/> until the earliest of them): no timer thread, no thread-pool worker is woken
/// for a timer or a deadline, and an observation wakes the main thread alone. At 128 MB (7.2% of a CPU) each such
/// wake is a context switch and tens of microseconds the function does not get.</summary>
internal sealed class LoopInbox
{
    private readonly Queue<Observation> _observations = new();
    /// <summary>The requests under way and when each must be given up (cancelled by the loop when it is due).</summary>
    private readonly List<(long AtMs, CancellationTokenSource Cancellation)> _deadlines = [];
    private long? _timerAtMs;
    private bool _waiting;

    /// <summary>Hands the loop an observation, from any thread.</summary>
    public void Post(Observation observation)
    {
        lock (_observations)
        {
            _observations.Enqueue(observation);
            if (_waiting)
            {
                Monitor.Pulse(_observations);
            }
        }
    }

    /// <summary>The core's timer (<see cref="IEffects.ArmTimer"/>), replacing the one before; on the loop's thread.</summary>
    public void ArmTimer(long atMs)
    {
        lock (_observations)
        {
            _timerAtMs = atMs;
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

    /// <summary>The next observation: one handed in, or <see cref="TimerFired"/> when the timer is due. Deadlines that
    /// come due while waiting are cancelled here (the request then ends and its outcome is handed in).</summary>
    public Observation Take()
    {
        List<CancellationTokenSource> due;
        lock (_observations)
        {
            while (true)
            {
                if (_observations.Count > 0)
                {
                    return _observations.Dequeue();
                }
                long now = ShellClock.NowMs;
                if (_timerAtMs is { } timer && timer <= now)
                {
                    _timerAtMs = null;
                    return Observations.TimerFired(now);
                }
                due = [.. _deadlines.Where(d => d.AtMs <= now).Select(d => d.Cancellation)];
                if (due.Count > 0)
                {
                    _deadlines.RemoveAll(d => d.AtMs <= now);
                    break;
                }
                long wakeAt = _deadlines.Aggregate(_timerAtMs ?? long.MaxValue, (earliest, d) => Math.Min(earliest, d.AtMs));
                _waiting = true;
                Monitor.Wait(_observations, wakeAt == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp(wakeAt - now, 1, int.MaxValue));
                _waiting = false;
            }
        }
        // Outside the lock: a cancelled request may hand in its outcome at once, on this thread.
        due.ForEach(c => c.Cancel());
        return Take();
    }
}
