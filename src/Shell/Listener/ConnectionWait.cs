namespace LokiLambdaExtension.Shell.Listener;

/// <summary>One wait of a connection's (for its next request, or for a request's head and body), given up when its
/// deadline comes, when the listener stops, or when the listener evicts the connection. The deadline is kept by the
/// main thread's <see cref="LoopInbox"/>, not by a runtime timer: a timer would start the runtime's timer thread, woken
/// for each request, and every thread of the process costs two context switches at each freeze and thaw.</summary>
internal sealed class ConnectionWait : IDisposable
{
    private readonly LoopInbox.RequestDeadline _deadline;
    private readonly CancellationTokenSource _givenUp;

    public ConnectionWait(LoopInbox deadlines, TimeSpan within, CancellationToken stopping, CancellationToken evicted = default)
    {
        _deadline = deadlines.Deadline(ShellClock.NowMs + (long)within.TotalMilliseconds);
        _givenUp = CancellationTokenSource.CreateLinkedTokenSource(stopping, evicted, _deadline.Token);
    }

    public CancellationToken Token => _givenUp.Token;

    public bool IsCancellationRequested => _givenUp.IsCancellationRequested;

    public void Dispose()
    {
        _deadline.Dispose();
        _givenUp.Dispose();
    }
}
