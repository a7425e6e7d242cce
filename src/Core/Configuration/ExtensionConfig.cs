using LanguageExt;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The extension's configuration, validated. <see cref="PushUri"/> is None when shipping is off
/// (no or an invalid <c>LOKI_PUSH_URL</c>): the extension then still serves the lifecycle, so the function runs
/// exactly as it would without the layer.</summary>
/// <param name="Headers">Every header a push carries besides the content type: authorization, tenant, extras.
/// Their values are secrets: never printed.</param>
/// <param name="Model">The execution model, from <c>AWS_LAMBDA_INITIALIZATION_TYPE</c>.</param>
/// <param name="Notes">What is worth saying once at start but is no configuration problem (an unknown model).</param>
/// <param name="Archive">The S3 archive, when <c>LOKI_ARCHIVE_S3</c> turns it on and credentials are there.</param>
/// <param name="Access">Where AWS credentials come from, and the variables that are secrets to read from AWS (then
/// <paramref name="Headers"/> is empty: the core builds them once the secrets are read).</param>
/// <param name="Tenants">Which Loki tenants lines go to (<c>LOKI_TENANT_MODE</c>).</param>
public sealed record ExtensionConfig(
    Option<Uri> PushUri,
    Seq<HttpHeader> Headers,
    int ListenerPort,
    StreamLabels Labels,
    EntryShaping Shaping,
    Seq<string> TelemetryTypes,
    TelemetryBuffering Buffering,
    DeliveryPolicy Delivery,
    string SpoolDirectory,
    Verbosity Verbosity,
    bool FailOnConfigError,
    ExecutionModel Model,
    Seq<string> Notes,
    Option<ArchiveTarget> Archive = default,
    AccessSettings? Access = null,
    TenantRouting? Tenants = null);

/// <summary>The buffering asked of the Telemetry API: sent explicitly, because AWS's pages disagree on the defaults.</summary>
public sealed record TelemetryBuffering(int MaxItems, int MaxBytes, int TimeoutMs);

/// <summary>A request header of the pushes to Loki.</summary>
public sealed record HttpHeader(string Name, string Value);

/// <summary><c>LOKI_MULTILINE</c>: whether stack traces printed line by line are joined into one entry.</summary>
public enum Multiline
{
    Auto,
    Off,
}

/// <summary>How much the extension says on stdout about itself.</summary>
public enum Verbosity
{
    Debug,
    Info,
    Warn,
    Error,
}
