namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>A log record the function (or another extension) produces during an invocation.</summary>
public abstract record TelemetryLine
{
    private TelemetryLine() { }

    /// <summary>A text-format line as Node, .NET and others print it: <c>time \t requestId \t LEVEL \t message</c>.</summary>
    public sealed record Text(string Message, string Level = "INFO") : TelemetryLine;

    /// <summary>A JSON-format record: <c>{"timestamp","level","requestId","message"}</c>.</summary>
    public sealed record Json(string Message, string Level = "INFO") : TelemetryLine;

    /// <summary>A record delivered exactly as given: <paramref name="RecordJson"/> is the JSON value of <c>record</c>;
    /// <paramref name="At"/> pins its <c>time</c> (for records that must share an instant).</summary>
    public sealed record Raw(string Type, string RecordJson, DateTimeOffset? At = null) : TelemetryLine;
}

/// <summary>How the function's run ends.</summary>
public enum InvocationOutcome
{
    Success,
    Error,
    Timeout,
}

/// <summary>One invocation for the emulator to play.</summary>
public sealed record Invocation(string RequestId, IReadOnlyList<TelemetryLine> Lines)
{
    public int TimeoutMs { get; init; } = 3000;
    public int RuntimeDurationMs { get; init; } = 5;
    public InvocationOutcome Outcome { get; init; } = InvocationOutcome.Success;
    public string? TraceHeader { get; init; } = "Root=1-62e900b2-710d76f009d6e7785905449a;Parent=0efbd19962d95b05;Sampled=1";

    /// <summary>Bodies POSTed to the subscriber as they are, after the lines and before runtimeDone: malformed
    /// telemetry, invalid UTF-8, records of unexpected shapes.</summary>
    public IReadOnlyList<byte[]> RawBodies { get; init; } = [];
}

/// <summary>What happened during an invocation, as the platform saw it.</summary>
/// <param name="RuntimeDoneAt">When the runtime finished (platform.runtimeDone was produced).</param>
/// <param name="ExtensionReadyAt">When the extension called <c>/event/next</c> again; null when it never did.</param>
/// <param name="FrozenAt">When the sandbox was frozen after the invocation.</param>
/// <param name="RuntimeDoneDeliveredAt">When the platform delivered runtimeDone to the extension (after its buffering),
/// when that came before the extension was ready; null when the extension did not wait for it.</param>
public sealed record InvocationResult(
    string RequestId,
    DateTimeOffset InvokedAt,
    DateTimeOffset RuntimeDoneAt,
    DateTimeOffset? ExtensionReadyAt,
    DateTimeOffset FrozenAt,
    DateTimeOffset? RuntimeDoneDeliveredAt = null)
{
    /// <summary>The extension's own share of the hold: from the platform's delivery of runtimeDone (which Lambda's
    /// buffering delays, whatever the extension does) to its next <c>/event/next</c>.</summary>
    public TimeSpan HeldAfterDelivery => RuntimeDoneDeliveredAt is { } delivered && ExtensionReadyAt is { } ready && ready > delivered
        ? ready - delivered
        : TimeSpan.Zero;

    /// <summary>How long the extension held the invocation after the runtime was done (billed as
    /// PostRuntimeExtensionsDuration).</summary>
    public TimeSpan HeldAfterRuntimeDone => (ExtensionReadyAt ?? FrozenAt) - RuntimeDoneAt;
}

/// <summary>How the extension ended.</summary>
public sealed record ShutdownResult(int? ExitCode, bool Killed, TimeSpan Duration, long PeakRssKb, TimeSpan CpuTime);
