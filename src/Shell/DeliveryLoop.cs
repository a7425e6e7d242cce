using System.Threading.Channels;
using LanguageExt;
using LokiLambdaExtension.Core.Configuration;
using LokiLambdaExtension.Core.Lifecycle;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;
using LokiLambdaExtension.Shell.LambdaApi;
using LokiLambdaExtension.Shell.Loki;
using LokiLambdaExtension.Shell.Spool;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Shell;

/// <summary>The shell's loop around the Decider: read an observation (an event from <c>/event/next</c>, a telemetry
/// body, a push result, a timer), fold it into the state, perform the decisions, feed their results back.</summary>
internal sealed class DeliveryLoop(ExtensionsApiClient lambda, LokiClient loki, SpoolStore spool, ExtensionConfig config)
{
    private readonly Channel<Observation> _observations =
        Channel.CreateUnbounded<Observation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly System.Collections.Generic.HashSet<string> _reportedRejections = [];
    /// <summary>Where received lines are written; only <see cref="OnTelemetryBody"/> writes, one body at a time.</summary>
    private readonly LineArena _lines = new();
    private CancellationTokenSource? _timer;
    private int _malformedBodies;
    private int _refusedRequests;
    private int _failedPushes;

    public static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Called by the telemetry listener for every body, on its own thread, one body after the other.</summary>
    public void OnTelemetryBody(ReadOnlyMemory<byte> body)
    {
        long now = NowMs;
        TelemetryParseResult result = TelemetryBodyParser.Parse(body.Span, now * 1_000_000, _lines);
        if (result.Problem.Case is string problem)
        {
            // What could not be read is shipped regardless.
            WarnOnce(ref _malformedBodies, $"telemetry body of {body.Length} bytes: {problem}; the unreadable part is shipped as an 'unparsed' entry");
        }
        if (!result.Records.IsEmpty)
        {
            _observations.Writer.TryWrite(new TelemetryReceived(now, result.Records, BodyDigest.Of(body.Span)));
        }
    }

    /// <summary>Called by the telemetry listener for a request it refused or cut (too large, too slow, not HTTP). The
    /// platform sends its own deliveries again when refused.</summary>
    public void OnRefusedRequest(string why) =>
        WarnOnce(ref _refusedRequests, $"telemetry listener refused {why}; a client of port {config.ListenerPort} that is not the platform?");

    /// <summary>A problem that may recur: the first one is said in full, later ones only at debug level, counted.</summary>
    private static void WarnOnce(ref int said, string message)
    {
        int count = Interlocked.Increment(ref said);
        if (count == 1)
        {
            ExtensionLog.Warn(message + " (said once; later ones at debug level)");
        }
        else
        {
            ExtensionLog.Debug($"{message} ({count} so far)");
        }
    }

    public async Task<int> RunAsync(CancellationToken cancellation)
    {
        // This sandbox's discriminator below the millisecond of every entry's time (see EntryStamps).
        var state = ExtensionState.Initial(config.Delivery, config.Shaping, Random.Shared.NextInt64(EntryStamps.NanosPerMillisecond));
        _observations.Writer.TryWrite(new Initialized(NowMs));
        if (config.Delivery.SpoolMaxBytes > 0)
        {
            IReadOnlyList<SpoolFile> leftovers = SafeList();
            if (leftovers.Count > 0)
            {
                ExtensionLog.Info($"found {leftovers.Sum(f => f.Count)} entries in the spool at {spool.Directory} from an earlier run; sending them");
                _observations.Writer.TryWrite(new SpoolFound(NowMs, toSeq(leftovers.ToArray())));
            }
        }
        await foreach (Observation observation in _observations.Reader.ReadAllAsync(cancellation))
        {
            (state, Seq<Decision> decisions) = Lifecycle.Step(state, observation);
            foreach (Decision decision in decisions)
            {
                if (Perform(decision, cancellation) is { } exitCode)
                {
                    return exitCode;
                }
            }
        }
        return 0;
    }

    private int? Perform(Decision decision, CancellationToken cancellation)
    {
        switch (decision)
        {
            case PushStarted push:
                _ = PushAsync(push.Batch, push.NotAfterMs, cancellation);
                return null;
            case NextCalled:
                _ = NextAsync(cancellation);
                return null;
            case SpillStarted spill:
                _ = Task.Run(() => Spill(spill));
                return null;
            case SpoolLoadStarted load:
                _ = Task.Run(() => Load(load.File));
                return null;
            case TimerArmed timer:
                Arm(timer.AtMs);
                return null;
            case ExitRequested exit:
                ExtensionLog.Info($"shutdown: {exit.Summary}");
                return exit.ExitCode;
            default:
                return null;
        }
    }

    private async Task NextAsync(CancellationToken cancellation)
    {
        Observation observation;
        try
        {
            NextEvent next = await lambda.NextAsync(cancellation);
            observation = next.EventType == "INVOKE"
                ? new InvokeReceived(NowMs, next.RequestId ?? "", next.DeadlineMs)
                : new ShutdownReceived(NowMs, next.DeadlineMs, next.ShutdownReason ?? next.EventType ?? "unknown");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // Without /event/next there is no lifecycle left to serve: flush what can be flushed, then exit.
            ExtensionLog.Error($"event/next failed ({e.Message}); flushing and exiting");
            observation = new ShutdownReceived(NowMs, NowMs + 1000, "event/next failed");
        }
        _observations.Writer.TryWrite(observation);
    }

    /// <summary>One push request per stream of the batch, sent together; the core gets every stream's outcome at once.</summary>
    private async Task PushAsync(PushBatch batch, long notAfterMs, CancellationToken cancellation)
    {
        StreamOutcomes outcomes = new PushOutcome.Delivered();
        StreamKind[] streams = [.. batch.Streams()];
        PushOutcome[] answers = await Task.WhenAll(streams.Select(stream => PushStreamAsync(batch, stream, notAfterMs, cancellation)));
        for (int i = 0; i < streams.Length; i++)
        {
            outcomes = outcomes.With(streams[i], answers[i]);
            Report(batch.Of(streams[i]).Count, answers[i]);
        }
        _observations.Writer.TryWrite(new PushFinished(NowMs, batch.Id, outcomes, Random.Shared.NextDouble()));
    }

    private async Task<PushOutcome> PushStreamAsync(PushBatch batch, StreamKind stream, long notAfterMs, CancellationToken cancellation)
    {
        try
        {
            using PooledBuffer body = PushRequestBody.Create(batch.Entries.AsSpan(), config.Labels, stream);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, notAfterMs - NowMs)));
            (PushOutcome outcome, _) = await loki.PushAsync(body, timeout.Token);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // A bug must not leave the batch in flight forever: that would hold /event/next, and the function with it.
            return new PushOutcome.Rejected(0, $"internal error while pushing: {e.GetType().Name}: {e.Message}");
        }
    }

    private void Report(int entries, PushOutcome outcome)
    {
        switch (outcome)
        {
            case PushOutcome.Rejected { Status: 401 or 403 } refused when _reportedRejections.Add($"{refused.Status} {refused.Message}"):
                ExtensionLog.Error($"Loki at {loki.PushUri} refused the credentials (HTTP {refused.Status}: {refused.Message}); " +
                                   $"{entries} entries not sent, not retried. Check LOKI_AUTH_TOKEN, " +
                                   "LOKI_USERNAME/LOKI_PASSWORD and LOKI_TENANT_ID (loki-lambda-extension --check tests them)");
                break;
            case PushOutcome.Rejected rejected when _reportedRejections.Add($"{rejected.Status} {rejected.Message}"):
                ExtensionLog.Error($"Loki at {loki.PushUri} rejected a push of {entries} entries " +
                                   $"(HTTP {rejected.Status}, not retried; a 400 stores the valid entries): {rejected.Message}");
                break;
            case PushOutcome.Blocked blocked:
                ExtensionLog.Error($"Loki's ingestion is blocked for this tenant (HTTP 260); {entries} entries dropped: {blocked.Message}");
                break;
            case PushOutcome.Retryable retryable when _failedPushes++ == 0:
                ExtensionLog.Warn($"push to {loki.PushUri} failed ({retryable.Reason}); entries are kept and retried " +
                                  "with backoff, without holding invocations; said once until Loki answers again");
                break;
            case PushOutcome.Retryable retryable:
                ExtensionLog.Debug($"push of {entries} entries failed again ({retryable.Reason})");
                break;
            case PushOutcome.Delivered when _failedPushes > 0:
                ExtensionLog.Info($"Loki at {loki.PushUri} answers again, after {_failedPushes} failed pushes");
                _failedPushes = 0;
                break;
        }
    }

    private void Spill(SpillStarted spill)
    {
        string? error = null;
        try
        {
            spool.Write(spill.File, SpoolFormat.Write(spill.Entries));
            ExtensionLog.Debug($"spilled {spill.File.Count} entries ({spill.File.Bytes} bytes) to {spool.Directory}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            ExtensionLog.Warn($"cannot write the spool at {spool.Directory} ({e.Message}); keeping entries in memory only");
        }
        _observations.Writer.TryWrite(new SpillFinished(NowMs, spill.File.Id, error));
    }

    private void Load(SpoolFile file)
    {
        try
        {
            var entries = SpoolFormat.Read(spool.Read(file));
            spool.Delete(file);
            _observations.Writer.TryWrite(new SpoolLoaded(NowMs, file.Id, entries, null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            ExtensionLog.Warn($"cannot read back spool file {file.Id} ({e.Message}); its {file.Count} entries are lost");
            try
            {
                spool.Delete(file);
            }
            catch (Exception deleteError) when (deleteError is IOException or UnauthorizedAccessException)
            {
            }
            _observations.Writer.TryWrite(new SpoolLoaded(NowMs, file.Id, [], e.Message));
        }
    }

    private IReadOnlyList<SpoolFile> SafeList()
    {
        try
        {
            return spool.List();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ExtensionLog.Warn($"cannot look into the spool at {spool.Directory}: {e.Message}");
            return [];
        }
    }

    private void Arm(long atMs)
    {
        _timer?.Cancel();
        _timer?.Dispose();
        var timer = _timer = new CancellationTokenSource();
        _ = Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, atMs - NowMs)), timer.Token).ContinueWith(
            t => { if (!t.IsCanceled) _observations.Writer.TryWrite(new TimerFired(NowMs)); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
