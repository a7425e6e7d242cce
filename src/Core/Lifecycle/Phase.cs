using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Where the extension is in the Lambda lifecycle.</summary>
internal abstract record Phase
{
    private protected Phase() { }

    /// <summary>Registering and subscribing: nothing is decided until the shell says it is done. The platform may
    /// deliver the runtime's <c>platform.initRuntimeDone</c> before that (<paramref name="RuntimeDone"/>).</summary>
    public sealed record Initializing(bool RuntimeDone = false) : Phase;

    /// <summary>Registered and subscribed, not yet in <c>/event/next</c>. Where init lines are pushed before it
    /// (<see cref="ExecutionModels.PushesInit"/>), wait for the runtime's <c>platform.initRuntimeDone</c> until
    /// <paramref name="GiveUpAtMs"/>, then push until <paramref name="FlushUntilMs"/>; elsewhere go on at once.</summary>
    public sealed record EndingInit(long GiveUpAtMs, Option<long> FlushUntilMs) : Phase
    {
        public bool RuntimeDone => FlushUntilMs.IsSome;
    }

    /// <summary>Waiting in <c>/event/next</c>: the sandbox may be frozen, so nothing is pushed; but on Managed Instances,
    /// which are never frozen and where only SHUTDOWN ever comes, pushes run on a timer.</summary>
    public sealed record AwaitingEvent : Phase;

    /// <summary>Serving an invocation. Once <c>runtimeDone</c> came, flush until <paramref name="FlushUntilMs"/> at the
    /// latest. Without it, stop waiting at <paramref name="GiveUpAtMs"/> and flush until the deadline's margin.</summary>
    public sealed record Invoked(string RequestId, long DeadlineMs, long GiveUpAtMs, Option<long> FlushUntilMs) : Phase
    {
        public bool RuntimeDone => FlushUntilMs.IsSome;
    }

    /// <summary>SHUTDOWN: gather late telemetry until <paramref name="QuietUntilMs"/>, push, exit by <paramref name="ExitByMs"/>.</summary>
    public sealed record ShuttingDown(long ExitByMs, long QuietUntilMs) : Phase;

    public sealed record Exited : Phase;
}
