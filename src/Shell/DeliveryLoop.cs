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
internal sealed class DeliveryLoop
{
    /// <summary>Where observations are folded, one at a time, on the thread that hands each in (see <see cref="LoopInbox"/>).</summary>
    private readonly LoopInbox _inbox;
    private readonly LokiClient? _loki;
    private readonly SpoolStore _spool;
    private readonly ExtensionConfig _config;
    private readonly LifecycleSettings _settings;
    private readonly ShellEffects _effects;
    /// <summary>Reads every body; only <see cref="OnTelemetryBody"/> calls it, one body at a time.</summary>
    private readonly TelemetryIntake _intake;

    public DeliveryLoop(LoopInbox inbox, ExtensionsApiClient lambda, LokiClient? loki, S3Client? archive, SpoolStore spool, ExtensionConfig config)
    {
        (_inbox, _loki, _spool, _config) = (inbox, loki, spool, config);
        _settings = LifecycleSettings.From(config, loki?.Display ?? "Loki", archiveOn: archive is not null);
        _intake = new TelemetryIntake(_settings);
        // Made only where something is fetched from AWS (a secret, or SnapStart's credentials): a function without
        // either pays nothing for it.
        AwsFetcher? aws = config.Access is { } access && (access.ReadsSecrets || access.RenewsCredentials) ? new AwsFetcher() : null;
        _effects = new ShellEffects(lambda, loki, archive, aws, spool, config.Labels, _inbox);
    }

    /// <summary>Hands the core something the shell saw outside the loop (shipping stopped at start-up).</summary>
    public void Observe(Observation observation) => _inbox.Post(observation);

    /// <summary>Called by the telemetry listener for every body, on its own thread, one body after the other. The drop
    /// and mask patterns run here, before the body is handed to the fold (which then runs on this thread too, unless
    /// another thread is folding).</summary>
    public void OnTelemetryBody(ReadOnlyMemory<byte> body)
    {
        var (received, problem) = _intake.Read(body.Span, ShellClock.NowMs, ShellClock.WallUnixNanos, ShellRandom.Discriminator());
        if (problem is not null)
        {
            // What could not be read is shipped regardless.
            Observe(Observations.MalformedBody(ShellClock.NowMs,
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
        Observe(Observations.RefusedRequest(ShellClock.NowMs,
            $"telemetry listener refused {why}; a client of port {_config.ListenerPort} that is not the platform?"));

    /// <summary>Runs the loop until the core asks to exit: the main thread keeps the timer and the deadlines, and each
    /// observation is folded on the thread that hands it in (<see cref="LoopInbox"/>).</summary>
    public int Run()
    {
        // This sandbox's discriminator below the millisecond of every entry's time (see EntryStamps).
        var state = ExtensionState.Initial(_settings, ShellRandom.Discriminator(), shipping: _loki is not null, _config.Headers);
        Observe(Observations.Initialized(ShellClock.NowMs));
        if (_loki is not null && _config.SpoolMaxBytes > 0 && ListSpool() is { Count: > 0 } leftovers)
        {
            Observe(Observations.SpoolFound(ShellClock.NowMs, toSeq(leftovers)));
        }
        return _inbox.Run(observation =>
        {
            Seq<Decision> decisions;
            try
            {
                (state, decisions) = Lifecycle.Step(_settings, state, observation);
            }
            catch (Exception e)
            {
                // A bug in the core must not cost the function anything: shipping stops, the lifecycle goes on, and the
                // observation is folded again by the lifecycle alone.
                var stopped = Observations.ShippingStopped(ShellClock.NowMs, $"shipping stopped after an unexpected error ({e.GetType().Name}: {e.Message})");
                (state, var stopping) = Lifecycle.Step(_settings, state, stopped);
                if (PerformAll(stopping) is { } stoppedExit)
                {
                    return stoppedExit;
                }
                (state, decisions) = Lifecycle.Step(_settings, state, observation);
            }
            return PerformAll(decisions);
        });
    }

    private int? PerformAll(Seq<Decision> decisions)
    {
        foreach (Decision decision in decisions)
        {
            decision.Perform(_effects);
            if (_effects.ExitCode is { } exitCode)
            {
                return exitCode;
            }
        }
        return null;
    }

    private IReadOnlyList<SpoolFile> ListSpool()
    {
        try
        {
            var (files, setAside) = _spool.List();
            if (setAside.Count > 0)
            {
                ExtensionLog.Warn($"deleted {setAside.Count} file(s) in the spool at {_spool.Directory} that this extension did not write whole: " +
                                  $"{string.Join("; ", setAside.Take(5))}{(setAside.Count > 5 ? "; …" : "")}");
            }
            return files;
        }
        catch (Exception e)
        {
            ExtensionLog.Warn($"cannot look into the spool at {_spool.Directory}: {e.Message}");
            return [];
        }
    }
}
