namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The Lambda execution model the emulator plays (protocols.md §5).</summary>
public enum EmulatedModel
{
    /// <summary>One invocation at a time, frozen between them.</summary>
    OnDemand,

    /// <summary>Init long before the first invocation, frozen in between.</summary>
    Provisioned,

    /// <summary>Init, then a snapshot (frozen, connections to Loki dead), then a restore, then invocations.</summary>
    SnapStart,

    /// <summary>Lambda Managed Instances: SHUTDOWN-only registration, schema 2025-01-29 only, never frozen,
    /// concurrent invocations.</summary>
    Managed,
}

public static class EmulatedModels
{
    /// <summary>What Lambda sets <c>AWS_LAMBDA_INITIALIZATION_TYPE</c> and records' <c>initializationType</c> to.</summary>
    public static string InitializationType(this EmulatedModel model) => model switch
    {
        EmulatedModel.Provisioned => "provisioned-concurrency",
        EmulatedModel.SnapStart => "snap-start",
        EmulatedModel.Managed => "lambda-managed-instances",
        _ => "on-demand",
    };
}

/// <summary>How to run the extension: which binary, which environment, and which platform behaviours to play.</summary>
public sealed record SandboxOptions(string ExtensionPath)
{
    public EmulatedModel Model { get; init; } = EmulatedModel.OnDemand;

    /// <summary>The Telemetry API schema versions the platform accepts; null: what the model's platform accepts
    /// (2022-07-01, 2022-12-13 and 2025-01-29; only 2025-01-29 on Managed Instances).</summary>
    public IReadOnlyList<string>? TelemetrySchemas { get; init; }

    /// <summary>Lines the function logs during its init, before the runtime's platform.initRuntimeDone.</summary>
    public IReadOnlyList<string> InitLines { get; init; } = [];

    /// <summary>How long the runtime's own init takes, beside the extension's (provisioned and SnapStart).</summary>
    public TimeSpan RuntimeInit { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Provisioned: how long the initialized environment waits, frozen, for its first invocation. SnapStart:
    /// how long the snapshot lasts (frozen) before the restore.</summary>
    public TimeSpan IdleAfterInit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Variables added to the Lambda ones (LOKI_PUSH_URL and friends).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Tenant isolation mode (<c>PER_TENANT</c>): the one tenant this environment serves, named where Lambda
    /// names it; null when the function is not in that mode.</summary>
    public string? TenantId { get; init; }

    public string FunctionName { get; init; } = "orders-api";
    public string FunctionVersion { get; init; } = "$LATEST";
    public string Region { get; init; } = "eu-west-1";
    public int MemorySizeMb { get; init; } = 256;
    public string LogStreamName { get; init; } = "2026/11/25/[$LATEST]8f5a2c3e4b6d4e0f9a1b2c3d4e5f6a7b";

    /// <summary>False: the Telemetry API answers 404, as on platforms that lack it, so the Logs API must be used.</summary>
    public bool TelemetryApiAvailable { get; init; } = true;

    /// <summary>True: the Telemetry and Logs API answer <c>202 {"errorType":"Telemetry.NotSupported"}</c> (or
    /// <c>Logs.NotSupported</c>) and deliver nothing, as AWS's Runtime Interface Emulator does in its classic mode (behind
    /// <c>sam local</c> and in AWS's base images).</summary>
    public bool StubbedTelemetry { get; init; }

    /// <summary>How long the function role's credentials last (see RoleCredentials): Lambda's last hours; a test
    /// that needs them to expire during a run gives seconds.</summary>
    public TimeSpan CredentialsValidFor { get; init; } = TimeSpan.FromHours(6);

    /// <summary>SIGSTOP the extension between invocations, as Lambda freezes the sandbox.</summary>
    public bool FreezeBetweenInvocations { get; init; } = true;

    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ShutdownDeadline { get; init; } = TimeSpan.FromMilliseconds(2000);

    /// <summary>A program that runs the binary (e.g. qemu-aarch64-static for an arm64 build), with its arguments.</summary>
    public string? Launcher { get; init; }
    public IReadOnlyList<string> LauncherArguments { get; init; } = [];

    /// <summary>Reads the CPU of a cgroup the launcher puts the extension in: the emulator's CPU readings come from
    /// there (every thread, exited ones too) instead of the live threads' counters.</summary>
    public Func<TimeSpan>? CpuMeter { get; init; }

    /// <summary>Called with every line the extension prints, as it prints it.</summary>
    public Action<string>? OnOutput { get; init; }
}
