namespace LokiLambdaExtension.Shell.Listener;

/// <summary>The connections being served, at most a fixed number: each holds a file descriptor, and a neighbour that
/// opens hundreds (a port scanner, a leaking client) must not use up the process's, which would leave no place for
/// the platform's deliveries nor for the pushes to Loki. Past the cap, a connection idle between requests is closed
/// to make room (a kept-alive client opens another when it has something to send); with none idle, the next accept
/// waits until a connection ends (a request under way has its deadline).</summary>
internal sealed class ListenerConnections(int max)
{
    private readonly object _gate = new();
    private readonly List<ConnectionReader> _open = [];
    private TaskCompletionSource _placeFreed = NewSignal();

    public void Add(ConnectionReader connection)
    {
        lock (_gate)
        {
            _open.Add(connection);
        }
    }

    public void Remove(ConnectionReader connection)
    {
        lock (_gate)
        {
            _open.Remove(connection);
            _placeFreed.TrySetResult();
        }
    }

    /// <summary>Returns when one more connection may be accepted.</summary>
    public async Task PlaceAsync(CancellationToken cancellation)
    {
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                if (_open.Count < max)
                {
                    return;
                }
                // The oldest first: in a list kept in accept order, the first idle one has waited longest.
                _open.Find(c => c.WaitingForRequest)?.Evict();
                if (_placeFreed.Task.IsCompleted)
                {
                    _placeFreed = NewSignal();
                }
                freed = _placeFreed.Task;
            }
            // Re-checked at least every 100 ms: a busy connection becomes idle without a signal.
            await Task.WhenAny(freed, Task.Delay(100, cancellation));
            cancellation.ThrowIfCancellationRequested();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
