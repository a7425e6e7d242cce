using LanguageExt;
using LokiLambdaExtension.Shell.Archive;
using LokiLambdaExtension.Shell.Aws;
using LokiLambdaExtension.Shell.LambdaApi;
using LokiLambdaExtension.Shell.Loki;
using LokiLambdaExtension.Shell.Spool;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Shell;

/// <summary>The shell's loop around the Decider: read an observation (an event from <c>/event/next</c>, a telemetry
/// body, a push result, a timer), fold it into the state, perform the decisions, feed their results back. It decides
/// nothing and remembers nothing of delivery: every outcome, failures included, goes back to the core.</summary>
/// <param name="loki">Where pushes go; null when shipping is off from the start (the core then decides no push).</param>
/// <param name="archive">The S3 archive, when it is on.</param>
internal sealed class DeliveryLoop(ExtensionsApiClient lambda, LokiClient? loki, S3Client? archive, SpoolStore spool, ExtensionConfig config)
{
    /// <summary>What the loop waits for, on the main thread (see <see cref="LoopInbox"/>).</summary>
    private readonly LoopInbox _inbox = new();
    private readonly LifecycleSettings _settings = new(config.Delivery, config.Shaping, loki?.Display ?? "Loki",
        config.Model, SeesPlatformRecords: config.TelemetryTypes.Exists(t => t == "platform"), Archive: archive is null ? None : config.Archive,
        AccessOrNone: config.Access, TenantsOrNone: config.Tenants);
    /// <summary>Made only where something is fetched from AWS (a secret, or SnapStart's credentials): a function without
    /// either pays nothing for it.</summary>
    private readonly AwsFetcher? _aws = config.Access is { } access && (access.ReadsSecrets || access.RenewsCredentials) ? new AwsFetcher() : null;
    /// <summary>Where received lines are written; only <see cref="OnTelemetryBody"/> writes, one body at a time.</summary>
    private readonly LineArena _lines = new();

    /// <summary>Hands the core something the shell saw outside the loop (shipping stopped at start-up).</summary>
    public void Observe(Observation observation) => _inbox.Post(observation);

    /// <summary>Called by the telemetry listener for every body, on its own thread, one body after the other. The drop
    /// and mask patterns run here, off the decision loop.</summary>
    public void OnTelemetryBody(ReadOnlyMemory<byte> body)
    {
        var (received, problem) = TelemetryIntake.Read(body.Span, ShellClock.NowMs, ShellClock.WallUnixNanos, ShellRandom.Discriminator(),
            _lines, config.Shaping);
        if (problem is not null)
        {
            // What could not be read is shipped regardless.
            Observe(new IntakeTroubled(ShellClock.NowMs, IntakeTrouble.MalformedBody,
                $"telemetry body of {body.Length} bytes: {problem}; the unreadable part is shipped as an 'unparsed' entry"));
        }
        if (received is not null)
        {
            Observe(received);
        }
    }

    /// <summary>Called by the telemetry listener for a request it refused or cut (too large, too slow, not HTTP). The
    /// platform sends its own deliveries again when refused.</summary>
    public void OnRefusedRequest(string why) =>
        Observe(new IntakeTroubled(ShellClock.NowMs, IntakeTrouble.RefusedRequest,
            $"telemetry listener refused {why}; a client of port {config.ListenerPort} that is not the platform?"));

    /// <summary>Runs the loop on the calling thread (the main thread) until the core asks to exit.</summary>
    public int Run()
    {
        // This sandbox's discriminator below the millisecond of every entry's time (see EntryStamps).
        var state = ExtensionState.Initial(config.Delivery, ShellRandom.Discriminator(), shipping: loki is not null,
            AccessState.For(_settings.Access, config.Headers));
        Observe(new Initialized(ShellClock.NowMs));
        if (loki is not null && config.Delivery.SpoolMaxBytes > 0 && ListSpool() is { Count: > 0 } leftovers)
        {
            Observe(new SpoolFound(ShellClock.NowMs, toSeq(leftovers)));
        }
        while (true)
        {
            Observation observation = _inbox.Take();
            Seq<Decision> decisions;
            try
            {
                (state, decisions) = Lifecycle.Step(_settings, state, observation);
            }
            catch (Exception e)
            {
                // A bug in the core must not cost the function anything: shipping stops, the lifecycle goes on, and the
                // observation is folded again by the lifecycle alone.
                var stopped = new ShippingStopped(ShellClock.NowMs, $"shipping stopped after an unexpected error ({e.GetType().Name}: {e.Message})");
                (state, var stopping) = Lifecycle.Step(_settings, state, stopped);
                if (PerformAll(stopping) is { } stoppedExit)
                {
                    return stoppedExit;
                }
                (state, decisions) = Lifecycle.Step(_settings, state, observation);
            }
            if (PerformAll(decisions) is { } exitCode)
            {
                return exitCode;
            }
        }
    }

    private int? PerformAll(Seq<Decision> decisions)
    {
        foreach (Decision decision in decisions)
        {
            if (Perform(decision) is { } exitCode)
            {
                return exitCode;
            }
        }
        return null;
    }

    private int? Perform(Decision decision)
    {
        switch (decision)
        {
            case PushStarted push:
                _ = PushAsync(push.Batch, push.NotAfterMs, push.Headers);
                return null;
            case NextCalled:
                _ = NextAsync();
                return null;
            case ConnectionsRenewed:
                loki?.Renew();
                archive?.Renew();
                _aws?.Renew();
                return null;
            case CredentialsFetchStarted or SecretsFetchStarted:
                _ = _aws!.PerformAsync(decision, _inbox);
                return null;
            case ArchiveStarted write:
                _ = ArchiveAsync(write);
                return null;
            case SpillStarted spill:
                _ = Task.Run(() => Spill(spill));
                return null;
            case SpoolLoadStarted load:
                _ = Task.Run(() => Load(load.File));
                return null;
            case TimerArmed timer:
                _inbox.ArmTimer(timer.AtMs);
                return null;
            case Notified { Notice: var notice }:
                ExtensionLog.Tell(notice);
                return null;
            case ExitRequested exit:
                ExtensionLog.Info($"shutdown: {exit.Summary}");
                return exit.ExitCode;
            default:
                // Every decision the core makes is performed: a new one that is not fails every end-to-end test here,
                // as an event the core does not fold fails in Lifecycle.Evolve.
                throw new System.Diagnostics.UnreachableException($"no effect performs {decision.GetType().Name}");
        }
    }

    private async Task NextAsync()
    {
        Observation observation;
        try
        {
            NextEvent next = await lambda.NextAsync();
            observation = next.EventType == "INVOKE"
                ? new InvokeReceived(ShellClock.NowMs, next.RequestId ?? "", next.DeadlineMs, ShellRandom.Discriminator())
                : new ShutdownReceived(ShellClock.NowMs, next.DeadlineMs, next.ShutdownReason ?? next.EventType ?? "unknown", ShellRandom.Discriminator());
        }
        catch (Exception e)
        {
            observation = new NextFailed(ShellClock.NowMs, e.Message);
        }
        Observe(observation);
    }

    /// <summary>One push request per stream of the batch, sent together; the core gets every stream's outcome at once.</summary>
    private async Task PushAsync(PushBatch batch, long notAfterMs, Seq<HttpHeader> headers)
    {
        StreamOutcomes outcomes = new PushOutcome.Delivered();
        StreamKind[] streams = [.. batch.Streams()];
        PushOutcome[] answers = await Task.WhenAll(streams.Select(stream => PushStreamAsync(batch, stream, notAfterMs, headers)));
        for (int i = 0; i < streams.Length; i++)
        {
            outcomes = outcomes.With(streams[i], answers[i]);
        }
        Observe(new PushFinished(ShellClock.NowMs, batch.Id, outcomes, ShellRandom.Jitter()));
    }

    private async Task<PushOutcome> PushStreamAsync(PushBatch batch, StreamKind stream, long notAfterMs, Seq<HttpHeader> headers)
    {
        try
        {
            using PooledBuffer body = PushRequestBody.Create(batch.Entries.AsSpan(), config.Labels, stream);
            using LoopInbox.RequestDeadline timeout = _inbox.Deadline(notAfterMs);
            (PushOutcome outcome, _) = await loki!.PushAsync(body.Memory, timeout.Token, headers);
            return outcome;
        }
        catch (Exception e)
        {
            // Whatever it was, the core hears of it: a batch left in flight would hold /event/next, and the function with it.
            return new PushOutcome.Crashed($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>One object: the push body of the write's entries, all streams in one request, so it replays as one push.</summary>
    private async Task ArchiveAsync(ArchiveStarted write)
    {
        string? error;
        int? status = null;
        string? code = null;
        try
        {
            using PooledBuffer body = PushRequestBody.Create(write.Entries.AsSpan(), config.Labels);
            using (LoopInbox.RequestDeadline timeout = _inbox.Deadline(write.NotAfterMs))
            {
                (error, status, code) = await archive!.PutAsync(write.Key, body.Memory, write.SignWith, timeout.Token);
            }
            if (error is null)
            {
                ExtensionLog.Debug($"archived {write.Entries.Length} entries as {write.Key}");
            }
        }
        catch (Exception e)
        {
            // The core hears of every outcome: a write left open would hold /event/next.
            error = $"{e.GetType().Name}: {e.Message}";
        }
        Observe(new ArchiveFinished(ShellClock.NowMs, write.ObjectId, error, ShellRandom.Jitter(), status, code));
    }

    private void Spill(SpillStarted spill)
    {
        string? error = null;
        try
        {
            spool.Write(spill.File, SpoolFormat.Write(spill.Entries));
            ExtensionLog.Debug($"spilled {spill.File.Count} entries ({spill.File.Bytes} bytes) to {spool.Directory}");
        }
        catch (Exception e)
        {
            error = $"{spool.Directory}: {e.Message}";
        }
        Observe(new SpillFinished(ShellClock.NowMs, spill.File.Id, error));
    }

    private void Load(SpoolFile file)
    {
        SpoolLoaded loaded;
        try
        {
            loaded = new SpoolLoaded(ShellClock.NowMs, file.Id, SpoolFormat.Read(spool.Read(file)), null);
        }
        catch (Exception e)
        {
            loaded = new SpoolLoaded(ShellClock.NowMs, file.Id, [], e.Message);
        }
        try
        {
            spool.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read or not, the file is done with; one left behind is read again by a later process.
        }
        Observe(loaded);
    }

    private IReadOnlyList<SpoolFile> ListSpool()
    {
        try
        {
            var (files, setAside) = spool.List();
            if (setAside.Count > 0)
            {
                ExtensionLog.Warn($"deleted {setAside.Count} file(s) in the spool at {spool.Directory} that this extension did not write whole: " +
                                  $"{string.Join("; ", setAside.Take(5))}{(setAside.Count > 5 ? "; …" : "")}");
            }
            return files;
        }
        catch (Exception e)
        {
            ExtensionLog.Warn($"cannot look into the spool at {spool.Directory}: {e.Message}");
            return [];
        }
    }
}
