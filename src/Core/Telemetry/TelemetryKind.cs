namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The record types the Telemetry API (2022-12-13) and the Logs API (2020-08-15) deliver.
/// New types appear over time: they are <see cref="OtherPlatform"/> and are still shipped.</summary>
internal enum TelemetryKind : byte
{
    Function,
    Extension,
    InitStart,
    InitRuntimeDone,
    InitReport,
    Start,
    RuntimeDone,
    Report,
    End,
    RestoreStart,
    RestoreRuntimeDone,
    RestoreReport,
    LogsDropped,
    ExtensionState,
    TelemetrySubscription,
    OtherPlatform,

    /// <summary>Bytes of a delivery that were not readable as telemetry: shipped as they came, so nothing is lost.</summary>
    Unparsed,
}

internal static class TelemetryKinds
{
    public static TelemetryKind FromType(string type) => type switch
    {
        "function" => TelemetryKind.Function,
        "extension" => TelemetryKind.Extension,
        "platform.initStart" => TelemetryKind.InitStart,
        "platform.initRuntimeDone" => TelemetryKind.InitRuntimeDone,
        "platform.initReport" => TelemetryKind.InitReport,
        "platform.start" => TelemetryKind.Start,
        "platform.runtimeDone" => TelemetryKind.RuntimeDone,
        "platform.report" => TelemetryKind.Report,
        "platform.end" => TelemetryKind.End,
        "platform.restoreStart" => TelemetryKind.RestoreStart,
        "platform.restoreRuntimeDone" => TelemetryKind.RestoreRuntimeDone,
        "platform.restoreReport" => TelemetryKind.RestoreReport,
        "platform.logsDropped" => TelemetryKind.LogsDropped,
        "platform.extension" => TelemetryKind.ExtensionState,
        "platform.telemetrySubscription" or "platform.logsSubscription" => TelemetryKind.TelemetrySubscription,
        _ => TelemetryKind.OtherPlatform,
    };
}
