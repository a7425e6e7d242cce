namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>How to run the extension: which binary, which environment, and which platform behaviours to play.</summary>
public sealed record SandboxOptions(string ExtensionPath)
{
    /// <summary>Variables added to the Lambda ones (LOKI_PUSH_URL and friends).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string FunctionName { get; init; } = "orders-api";
    public string FunctionVersion { get; init; } = "$LATEST";
    public string Region { get; init; } = "eu-west-1";
    public int MemorySizeMb { get; init; } = 256;
    public string LogStreamName { get; init; } = "2026/11/25/[$LATEST]8f5a2c3e4b6d4e0f9a1b2c3d4e5f6a7b";

    /// <summary>False: the Telemetry API answers 404, as on platforms that lack it, so the Logs API must be used.</summary>
    public bool TelemetryApiAvailable { get; init; } = true;

    /// <summary>SIGSTOP the extension between invocations, as Lambda freezes the sandbox.</summary>
    public bool FreezeBetweenInvocations { get; init; } = true;

    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ShutdownDeadline { get; init; } = TimeSpan.FromMilliseconds(2000);

    /// <summary>A program that runs the binary (e.g. qemu-aarch64-static for an arm64 build), with its arguments.</summary>
    public string? Launcher { get; init; }
    public IReadOnlyList<string> LauncherArguments { get; init; } = [];

    /// <summary>Called with every line the extension prints, as it prints it.</summary>
    public Action<string>? OnOutput { get; init; }
}
