using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The platform's side of the Telemetry API: buffers records as the subscription asks (maxItems, maxBytes,
/// timeoutMs), POSTs them as JSON arrays to the subscriber, retries when the subscriber fails, and delivers nothing
/// while the sandbox is frozen. Records produced before the subscription are kept and delivered once it exists,
/// as the platform does with the init phase's records.</summary>
internal sealed class TelemetryPlatform : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<(string Type, string Json, DateTimeOffset At)> _buffer = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Func<bool> _isFrozen;
    private readonly List<string> _protocolErrors;
    private TelemetrySubscription? _subscription;
    private Task? _dispatching;

    public TelemetryPlatform(Func<bool> isFrozen, List<string> protocolErrors)
    {
        _isFrozen = isFrozen;
        _protocolErrors = protocolErrors;
        // sandbox.localdomain does not resolve here: connect to loopback on the subscriber's port, as Lambda's
        // network namespace does.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { Timeout = DeliveryTimeout };
    }

    /// <summary>How long the platform waits for the subscriber's answer before it gives up on a delivery and sends
    /// it again (AWS does not publish the figure; a listener that needs longer is broken either way).</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(2);

    /// <summary>When a record of each type was last delivered (the POST that the subscriber then accepted was sent).</summary>
    private readonly Dictionary<string, DateTimeOffset> _deliveredAt = [];

    /// <summary>When a record of <paramref name="type"/> was last delivered to the subscriber, if ever.</summary>
    public DateTimeOffset? LastDelivered(string type)
    {
        lock (_gate)
        {
            return _deliveredAt.TryGetValue(type, out DateTimeOffset at) ? at : null;
        }
    }

    private int _answersToDrop;

    /// <summary>The next <paramref name="count"/> deliveries are sent whole, and their connection is cut as the answer
    /// begins, as a timeout or a reset does to the platform's connection: it then delivers the same body again.</summary>
    public void DropAnswers(int count) => Interlocked.Add(ref _answersToDrop, count);

    public TelemetrySubscription? Subscription { get { lock (_gate) { return _subscription; } } }

    public void Subscribe(TelemetrySubscription subscription)
    {
        lock (_gate)
        {
            _subscription = subscription;
            _buffer.RemoveAll(r => !subscription.Wants(r.Type));
        }
        _dispatching ??= Task.Run(DispatchAsync);
        Emit("platform.telemetrySubscription",
            $$"""{"name":"loki-lambda-extension","state":"Subscribed","types":[{{string.Join(",", subscription.Types.Select(t => $"\"{t}\""))}}]}""");
    }

    /// <summary>Produces a record now; <paramref name="recordJson"/> is the JSON value of its <c>record</c> field.</summary>
    public DateTimeOffset Emit(string type, string recordJson, DateTimeOffset? at = null)
    {
        var now = at ?? DateTimeOffset.UtcNow;
        lock (_gate)
        {
            if (_subscription is null || _subscription.Wants(type))
            {
                _buffer.Add((type, $$"""{"time":"{{Iso(now)}}","type":"{{type}}","record":{{recordJson}}}""", now));
            }
        }
        _changed.Release();
        return now;
    }

    /// <summary>POSTs a body as it is (not through the buffer) and returns the subscriber's status code, or 0 when it
    /// did not answer.</summary>
    public async Task<int> PostRawAsync(byte[] body)
    {
        if (Subscription is not { } subscription)
        {
            return 0;
        }
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await _http.PostAsync(subscription.Destination, content, _stop.Token);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return 0;
        }
    }

    /// <summary>Wakes the dispatcher after a thaw.</summary>
    public void Nudge() => _changed.Release();

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    public static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private async Task DispatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            List<(string Type, string Json, DateTimeOffset At)>? batch = null;
            TelemetrySubscription? subscription;
            lock (_gate)
            {
                subscription = _subscription;
                if (subscription is not null && _buffer.Count > 0 && !_isFrozen())
                {
                    int bytes = _buffer.Sum(r => r.Json.Length);
                    TimeSpan age = DateTimeOffset.UtcNow - _buffer[0].At;
                    if (_buffer.Count >= subscription.MaxItems || bytes >= subscription.MaxBytes || age.TotalMilliseconds >= subscription.TimeoutMs)
                    {
                        batch = TakeBatch(subscription);
                    }
                    else
                    {
                        wait = TimeSpan.FromMilliseconds(subscription.TimeoutMs) - age;
                    }
                }
            }
            if (batch is null)
            {
                try
                {
                    await _changed.WaitAsync(wait, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            await DeliverAsync(subscription!, batch);
        }
    }

    private List<(string Type, string Json, DateTimeOffset At)> TakeBatch(TelemetrySubscription subscription)
    {
        int count = 0;
        int bytes = 0;
        while (count < _buffer.Count && count < subscription.MaxItems && (count == 0 || bytes + _buffer[count].Json.Length <= subscription.MaxBytes))
        {
            bytes += _buffer[count].Json.Length;
            count++;
        }
        var batch = _buffer.GetRange(0, count);
        _buffer.RemoveRange(0, count);
        return batch;
    }

    /// <summary>Delivers one batch, retrying until the subscriber answers 2xx (the platform retries too).</summary>
    private async Task DeliverAsync(TelemetrySubscription subscription, List<(string Type, string Json, DateTimeOffset At)> batch)
    {
        string body = "[" + string.Join(",", batch.Select(r => r.Json)) + "]";
        for (int attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            while (_isFrozen() && !_stop.IsCancellationRequested)
            {
                await Task.Delay(5);
            }
            try
            {
                if (Interlocked.Decrement(ref _answersToDrop) >= 0)
                {
                    await SendThenCutAsync(subscription.Destination, Encoding.UTF8.GetBytes(body));
                    continue; // no answer: deliver it again
                }
                Interlocked.Exchange(ref _answersToDrop, 0);
                DateTimeOffset sentAt = DateTimeOffset.UtcNow;
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using HttpResponseMessage response = await _http.PostAsync(subscription.Destination, content, _stop.Token);
                if (response.IsSuccessStatusCode)
                {
                    lock (_gate)
                    {
                        foreach (var record in batch)
                        {
                            _deliveredAt[record.Type] = sentAt;
                        }
                    }
                    return;
                }
                lock (_protocolErrors)
                {
                    _protocolErrors.Add($"telemetry listener answered HTTP {(int)response.StatusCode}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or SocketException)
            {
                // Listener not up or gone, or no answer in time: retry, as the platform does.
            }
            await Task.Delay(Math.Min(1000, 20 * (attempt + 1)));
        }
    }

    /// <summary>Sends a delivery on a connection of its own and resets it when the first byte of the answer arrives.</summary>
    private async Task SendThenCutAsync(Uri destination, byte[] body)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(DeliveryTimeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, destination.Port), timeout.Token);
        byte[] head = Encoding.ASCII.GetBytes($"POST {destination.PathAndQuery} HTTP/1.1\r\nHost: sandbox.localdomain:{destination.Port}\r\n" +
                                              $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        await socket.SendAsync(head, timeout.Token);
        await socket.SendAsync(body, timeout.Token);
        try
        {
            await socket.ReceiveAsync(new byte[1], timeout.Token);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
        }
        socket.LingerState = new LingerOption(true, 0); // a reset, not a clean close
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_dispatching is not null)
        {
            await _dispatching;
        }
        _http.Dispose();
    }
}
