namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The Lambda execution model a process runs in, from <c>AWS_LAMBDA_INITIALIZATION_TYPE</c> (protocols.md §5).
/// Each one has its own lifecycle (see <see cref="Lifecycle.Lifecycle"/>); the delivery guarantees are shared.</summary>
internal enum ExecutionModel
{
    /// <summary>One invocation at a time, frozen between them; also what an unknown value is taken for.</summary>
    OnDemand,

    /// <summary>As on-demand, but init runs long before the first invocation (with a freeze between).</summary>
    ProvisionedConcurrency,

    /// <summary>Init once at publish time, then a snapshot; every cold start is a restored clone of it.</summary>
    SnapStart,

    /// <summary>Lambda Managed Instances: never frozen, many invocations at once, SHUTDOWN the only event.</summary>
    ManagedInstances,
}

internal static class ExecutionModels
{
    public const string Variable = "AWS_LAMBDA_INITIALIZATION_TYPE";

    /// <summary>The model <paramref name="value"/> names; an empty or unknown value is on-demand, and
    /// <paramref name="unknown"/> then says what was not understood (the platform adds values over time).</summary>
    public static ExecutionModel Parse(string value, out string? unknown)
    {
        unknown = null;
        switch (value.Trim().ToLowerInvariant())
        {
            case "" or "on-demand":
                return ExecutionModel.OnDemand;
            case "provisioned-concurrency":
                return ExecutionModel.ProvisionedConcurrency;
            case "snap-start":
                return ExecutionModel.SnapStart;
            case "lambda-managed-instances":
                return ExecutionModel.ManagedInstances;
            default:
                unknown = $"{Variable}='{EnvironmentValues.Shorten(value)}' is not a model this extension knows " +
                          "(on-demand, provisioned-concurrency, snap-start, lambda-managed-instances): running as on-demand";
                return ExecutionModel.OnDemand;
        }
    }

    /// <summary>The value Lambda uses for the model (what <c>initialization_type</c> metadata carries).</summary>
    public static string Name(this ExecutionModel model) => model switch
    {
        ExecutionModel.ProvisionedConcurrency => "provisioned-concurrency",
        ExecutionModel.SnapStart => "snap-start",
        ExecutionModel.ManagedInstances => "lambda-managed-instances",
        _ => "on-demand",
    };

    /// <summary>Managed Instances are never frozen: pushes run on a timer while the extension waits in /event/next.</summary>
    public static bool NeverFrozen(this ExecutionModel model) => model == ExecutionModel.ManagedInstances;

    /// <summary>Managed Instances run many invocations at once: a line's request is only ever its own record's.</summary>
    public static bool RunsConcurrently(this ExecutionModel model) => model == ExecutionModel.ManagedInstances;

    /// <summary>Init lines are pushed before the first /event/next: no caller waits for that init (it runs at publish
    /// time, or hours before the first invocation), and held until then they would be too old for Loki, or, in a
    /// snapshot, pushed once by every clone.</summary>
    public static bool PushesInit(this ExecutionModel model) => model is ExecutionModel.SnapStart or ExecutionModel.ProvisionedConcurrency;

    /// <summary>The events to register for: Managed Instances refuse INVOKE, and an extension whose registration
    /// fails fails the function's init.</summary>
    public static IReadOnlyList<string> RegisteredEvents(this ExecutionModel model) =>
        model == ExecutionModel.ManagedInstances ? ["SHUTDOWN"] : ["INVOKE", "SHUTDOWN"];

    /// <summary>What to subscribe with, in order of preference: the newest Telemetry API schema, the one before it where
    /// the platform refuses the newest, then the Logs API where it exists (on-demand only).</summary>
    public static IReadOnlyList<TelemetrySubscriptionKind> Subscriptions(this ExecutionModel model) => model == ExecutionModel.OnDemand
        ? [TelemetrySubscriptionKind.Telemetry20250129, TelemetrySubscriptionKind.Telemetry20221213, TelemetrySubscriptionKind.LogsApi]
        : [TelemetrySubscriptionKind.Telemetry20250129, TelemetrySubscriptionKind.Telemetry20221213];
}

/// <summary>A way to subscribe to the platform's records: an API and its schema version.</summary>
internal enum TelemetrySubscriptionKind
{
    Telemetry20250129,
    Telemetry20221213,
    LogsApi,
}

internal static class TelemetrySubscriptionKinds
{
    /// <summary>The API's path under the runtime API's address.</summary>
    public static string Path(this TelemetrySubscriptionKind kind) => kind == TelemetrySubscriptionKind.LogsApi ? "2020-08-15/logs" : "2022-07-01/telemetry";

    /// <summary>The body's <c>schemaVersion</c> (the Logs API has none).</summary>
    public static string? Schema(this TelemetrySubscriptionKind kind) => kind switch
    {
        TelemetrySubscriptionKind.Telemetry20250129 => "2025-01-29",
        TelemetrySubscriptionKind.Telemetry20221213 => "2022-12-13",
        _ => null,
    };

    public static string Describe(this TelemetrySubscriptionKind kind) =>
        kind == TelemetrySubscriptionKind.LogsApi ? "the Logs API" : $"the Telemetry API (schema {kind.Schema()})";

    /// <summary>Whether the platform's answer to a subscription is one: a 2xx that names no error. AWS's Runtime Interface
    /// Emulator (behind <c>sam local</c> and in AWS's base images) answers its stubbed Telemetry and Logs APIs with
    /// <c>202 {"errorType":"Telemetry.NotSupported"}</c> and delivers nothing; taken for a subscription, every invocation
    /// waited for a <c>runtimeDone</c> that never came. Such an answer is a refusal, and the next kind is tried.</summary>
    public static bool IsSubscription(int status, string body) =>
        status is >= 200 and < 300 && !body.Contains("\"errorType\"", StringComparison.Ordinal) && !body.Contains(".NotSupported", StringComparison.Ordinal);
}
