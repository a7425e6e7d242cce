using LanguageExt;
using LokiLambdaExtension.Core.Lifecycle;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The extension's configuration, validated. <see cref="PushUri"/> is None when shipping is off
/// (no or an invalid <c>LOKI_PUSH_URL</c>): the extension then still serves the lifecycle, so the function runs
/// exactly as it would without the layer.</summary>
public sealed record ExtensionConfig(
    Option<Uri> PushUri,
    Option<string> Authorization,
    int ListenerPort,
    string FunctionName,
    StreamLabels Labels,
    EntryShaping Shaping,
    Seq<string> TelemetryTypes,
    TelemetryBuffering Buffering,
    DeliveryPolicy Delivery);

/// <summary>The buffering asked of the Telemetry API: sent explicitly, because AWS's pages disagree on the defaults.</summary>
public sealed record TelemetryBuffering(int MaxItems, int MaxBytes, int TimeoutMs);
