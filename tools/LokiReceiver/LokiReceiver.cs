using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>A strict Loki push endpoint on loopback for tests and the local sandbox. It answers as Loki's distributor
/// does: 204 when stored; 400 with the reasons when an entry is invalid (storing the valid ones, a partial success);
/// 401 without the expected credentials or tenant; 415/400 for a body that is not snappy-compressed protobuf.</summary>
public sealed class LokiReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ReceiverOptions _options;
    private readonly object _gate = new();
    private readonly List<ReceivedEntry> _entries = [];
    private readonly List<ReceivedPush> _pushes = [];
    private readonly Queue<Fault> _faults = new();
    /// <summary>The next request's number, taken with its fault: pushes of several streams arrive at once, and a
    /// request is recorded only when answered, so the list's length cannot number them.</summary>
    private int _nextIndex;
    private readonly DistributorRules _distributor;
    private readonly IngesterStreams _ingester;
    private readonly UpstreamLoki? _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private Fault? _persistentFault;
    private string? _requiredAuthorization;

    private readonly FaultRelay _relay;

    private LokiReceiver(HttpListener listener, int port, ReceiverOptions options)
    {
        _listener = listener;
        _options = options;
        _requiredAuthorization = options.RequiredAuthorization;
        _distributor = new DistributorRules(options);
        _ingester = new IngesterStreams(options.OutOfOrderWindow);
        _upstream = options.Upstream is { } upstream ? new UpstreamLoki(upstream) : null;
        _relay = new FaultRelay(new IPEndPoint(IPAddress.Loopback, port));
        BaseUrl = new Uri($"http://127.0.0.1:{(options.KeepAlive ? port : _relay.Port)}");
        _serving = Task.Run(() => HttpListenerLoop.ServeAsync(_listener, HandleAsync, _stop.Token));
    }

    public Uri BaseUrl { get; }

    public static LokiReceiver Start(ReceiverOptions? options = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = LoopbackPort.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add($"http://localhost:{port}/"); // HttpListener routes by the Host header
            try
            {
                listener.Start();
                return new LokiReceiver(listener, port, options ?? new ReceiverOptions());
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public IReadOnlyList<ReceivedEntry> Entries { get { lock (_gate) { return [.. _entries]; } } }

    /// <summary>Every request, in the order they arrived and took their faults (not the order they were answered).</summary>
    public IReadOnlyList<ReceivedPush> Pushes { get { lock (_gate) { return [.. _pushes.OrderBy(p => p.Index)]; } } }

    /// <summary>Entries Loki would have dropped silently: same timestamp and line as an entry already in the stream.</summary>
    public int DuplicatesDropped { get { lock (_gate) { return _ingester.DuplicatesDropped; } } }

    /// <summary>Faults applied to the next pushes, one each, in order.</summary>
    public void EnqueueFaults(params Fault[] faults)
    {
        Array.ForEach(faults, CheckPlayable);
        lock (_gate)
        {
            foreach (Fault fault in faults)
            {
                _faults.Enqueue(fault);
            }
        }
    }

    /// <summary>A fault applied to every push until cleared with null (an outage).</summary>
    public void SetPersistentFault(Fault? fault)
    {
        CheckPlayable(fault);
        lock (_gate)
        {
            _persistentFault = fault;
        }
    }

    private void CheckPlayable(Fault? fault)
    {
        if (_options.KeepAlive && fault is Fault.DropConnection or Fault.StoreThenDrop)
        {
            throw new InvalidOperationException("a receiver that keeps connections alive has no relay to drop one: start it without KeepAlive");
        }
    }

    /// <summary>From now on, only this <c>Authorization</c> is accepted (a token rotated: the old one is refused).</summary>
    public void RequireAuthorization(string authorization) => Volatile.Write(ref _requiredAuthorization, authorization);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _relay.DisposeAsync();
        _listener.Close();
        _upstream?.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException or OperationCanceledException)
        {
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        HttpListenerResponse response = context.Response;
        try
        {
            if (request.HttpMethod != "POST" || request.Url?.AbsolutePath != "/loki/api/v1/push")
            {
                PlainAnswer.Write(response, 404, "404 page not found", _options.KeepAlive);
                return;
            }
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            Fault? fault;
            int index;
            lock (_gate)
            {
                fault = _persistentFault ?? (_faults.Count > 0 ? _faults.Dequeue() : null);
                index = _nextIndex++;
            }
            if (fault is Fault.Delay delay)
            {
                await Task.Delay(delay.Milliseconds);
                fault = null;
            }
            var arrivedAt = DateTimeOffset.UtcNow;
            switch (fault)
            {
                case Fault.Status status:
                    Record(index, arrivedAt, request, status.Code, status.Body, 0, 0, 0, (int)body.Length);
                    if (status.RetryAfterSeconds is { } seconds)
                    {
                        response.Headers["Retry-After"] = seconds.ToString();
                    }
                    PlainAnswer.Write(response, status.Code, status.Body, _options.KeepAlive);
                    return;
                case Fault.Redirect redirect:
                    Record(index, arrivedAt, request, redirect.Code, $"redirect to {redirect.Location}", 0, 0, 0, (int)body.Length);
                    response.Headers["Location"] = redirect.Location;
                    PlainAnswer.Write(response, redirect.Code, "", _options.KeepAlive);
                    return;
                case Fault.DropConnection:
                    Record(index, arrivedAt, request, 0, "connection dropped", 0, 0, 0, (int)body.Length);
                    PlainAnswer.Write(response, FaultRelay.DropStatus, "");
                    return;
            }
            var (code, answer) = _upstream is null ? Validate(index, arrivedAt, request, body.ToArray()) : await ForwardAsync(index, arrivedAt, request, body.ToArray());
            PlainAnswer.Write(response, fault is Fault.StoreThenDrop ? FaultRelay.DropStatus : code, answer, _options.KeepAlive);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away; nothing to answer.
        }
    }

    private async Task<(int Code, string Answer)> ForwardAsync(int index, DateTimeOffset arrivedAt, HttpListenerRequest request, byte[] body)
    {
        var (code, answer) = await _upstream!.ForwardAsync(request, body);
        Record(index, arrivedAt, request, code, answer, 0, 0, 0, body.Length);
        return (code, answer);
    }

    private (int Code, string Answer) Validate(int index, DateTimeOffset arrivedAt, HttpListenerRequest request, byte[] body)
    {
        string? authorization = request.Headers["Authorization"];
        string? tenant = request.Headers["X-Scope-OrgID"];
        (int, string) Refuse(int code, string answer)
        {
            Record(index, arrivedAt, request, code, answer, 0, 0, 0, body.Length);
            return (code, answer);
        }

        if (Volatile.Read(ref _requiredAuthorization) is { } requiredAuth && authorization != requiredAuth)
        {
            return Refuse(401, authorization is null ? "no credentials" : "invalid credentials");
        }
        if (_options.RequiredTenant is { } requiredTenant && tenant != requiredTenant)
        {
            return Refuse(401, "no org id");
        }
        string? contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return Refuse(400, "missing Content-Type header");
        }
        if (!contentType.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(415, $"this receiver takes application/x-protobuf, not {contentType}");
        }
        string? encoding = request.Headers["Content-Encoding"];
        if (encoding is not (null or "" or "snappy"))
        {
            return Refuse(415, $"unsupported Content-Encoding {encoding}");
        }
        PushRequest push;
        try
        {
            push = PushRequest.Parser.ParseFrom(Snappy.DecompressToArray(body));
        }
        catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException or ArgumentException)
        {
            return Refuse(400, $"cannot decode snappy-compressed protobuf: {e.Message}");
        }
        return Store(index, arrivedAt, request, push, body.Length);
    }

    private (int Code, string Answer) Store(int index, DateTimeOffset arrivedAt, HttpListenerRequest request, PushRequest push, int bodyBytes)
    {
        var errors = new List<(string Kind, string Text)>();
        var valid = new List<(string Labels, List<ReceivedEntry> Entries)>();
        int rejected = 0;
        long now = arrivedAt.ToUnixTimeMilliseconds() * 1_000_000;
        long oldest = now - (long)_options.RejectOlderThan.TotalMilliseconds * 1_000_000;
        long newest = now + (long)_options.CreationGracePeriod.TotalMilliseconds * 1_000_000;

        foreach (StreamAdapter stream in push.Streams)
        {
            string? labelError = _distributor.ValidateLabels(stream.Labels, out var labelMap);
            if (labelError is not null)
            {
                errors.Add(($"labels {stream.Labels}", $"stream '{stream.Labels}': {labelError}"));
                rejected += stream.Entries.Count;
                continue;
            }
            var entries = new List<ReceivedEntry>();
            foreach (EntryAdapter entry in stream.Entries)
            {
                var entryError = _distributor.ValidateEntry(entry, oldest, newest);
                if (entryError is var (kind, text))
                {
                    errors.Add(($"{kind} {stream.Labels}", $"entry for stream '{stream.Labels}' {text}"));
                    rejected++;
                    continue;
                }
                long unixNanos = entry.Timestamp.Seconds * 1_000_000_000 + entry.Timestamp.Nanos;
                entries.Add(new ReceivedEntry(index, arrivedAt, stream.Labels, labelMap!, unixNanos, entry.Line,
                    [.. entry.StructuredMetadata.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))]));
            }
            valid.Add((stream.Labels, entries));
        }

        lock (_gate)
        {
            // The ingester answers with the last stream's error only, as Loki does (see IngesterStreams).
            string? ingesterError = null;
            int stored = 0;
            foreach (var (labels, entries) in valid.Where(v => v.Entries.Count > 0))
            {
                var (kept, refused, error) = _ingester.Append(labels, entries);
                ingesterError = error;
                rejected += refused;
                stored += kept.Count;
                _entries.AddRange(kept);
            }
            var (code, answer) = errors.Count > 0 ? (400, DistributorRules.Answer(errors))
                : ingesterError is not null ? (400, ingesterError)
                : (204, "");
            _pushes.Add(new ReceivedPush(index, arrivedAt, code, answer, request.Headers["Authorization"], request.Headers["X-Scope-OrgID"],
                request.ContentType, push.Streams.Count, stored, rejected, bodyBytes));
            return (code, answer);
        }
    }

    private void Record(int index, DateTimeOffset arrivedAt, HttpListenerRequest request, int status, string answer,
        int streams, int stored, int rejected, int bodyBytes)
    {
        lock (_gate)
        {
            _pushes.Add(new ReceivedPush(index, arrivedAt, status, answer, request.Headers["Authorization"],
                request.Headers["X-Scope-OrgID"], request.ContentType, streams, stored, rejected, bodyBytes));
        }
    }
}
