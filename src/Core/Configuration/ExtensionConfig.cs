using LanguageExt;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The extension's configuration, validated. <see cref="PushUri"/> is None when shipping is off
/// (no or an invalid <c>LOKI_PUSH_URL</c>): the extension then still serves the lifecycle, so the function runs
/// exactly as it would without the layer.</summary>
public sealed record ExtensionConfig
{
    /// <param name="Headers">Every header a push carries besides the content type: authorization, tenant, extras.
    /// Their values are secrets: never printed.</param>
    /// <param name="Model">The execution model, from <c>AWS_LAMBDA_INITIALIZATION_TYPE</c>.</param>
    /// <param name="Notes">What is worth saying once at start but is no configuration problem (an unknown model).</param>
    /// <param name="Archive">The S3 archive, when <c>LOKI_ARCHIVE_S3</c> turns it on and credentials are there.</param>
    /// <param name="Access">Where AWS credentials come from, and the variables that are secrets to read from AWS (then
    /// <paramref name="Headers"/> is empty: the core builds them once the secrets are read).</param>
    /// <param name="Tenants">Which Loki tenants lines go to (<c>LOKI_TENANT_MODE</c>).</param>
    internal ExtensionConfig(Option<Uri> PushUri, Seq<HttpHeader> Headers, int ListenerPort, StreamLabels Labels,
        EntryShaping Shaping, Seq<string> TelemetryTypes, TelemetryBuffering Buffering,
        DeliveryPolicy Delivery, string SpoolDirectory, Verbosity Verbosity, bool FailOnConfigError,
        ExecutionModel Model, Seq<string> Notes, Option<ArchiveTarget> Archive = default,
        AccessSettings? Access = null, TenantRouting? Tenants = null)
    {
        this.PushUri = PushUri;
        this.Headers = Headers;
        this.ListenerPort = ListenerPort;
        this.Labels = Labels;
        this.Shaping = Shaping;
        this.TelemetryTypes = TelemetryTypes;
        this.Buffering = Buffering;
        this.Delivery = Delivery;
        this.SpoolDirectory = SpoolDirectory;
        this.Verbosity = Verbosity;
        this.FailOnConfigError = FailOnConfigError;
        this.Model = Model;
        this.Notes = Notes;
        this.Archive = Archive;
        this.Access = Access;
        this.Tenants = Tenants;
    }

    public Option<Uri> PushUri { get; internal init; }

    public Seq<HttpHeader> Headers { get; internal init; }

    public int ListenerPort { get; internal init; }

    public StreamLabels Labels { get; internal init; }

    internal EntryShaping Shaping { get; init; }

    public Seq<string> TelemetryTypes { get; internal init; }

    internal TelemetryBuffering Buffering { get; init; }

    internal DeliveryPolicy Delivery { get; init; }

    public string SpoolDirectory { get; internal init; }

    public Verbosity Verbosity { get; internal init; }

    public bool FailOnConfigError { get; internal init; }

    internal ExecutionModel Model { get; init; }

    public Seq<string> Notes { get; internal init; }

    public Option<ArchiveTarget> Archive { get; internal init; }

    public AccessSettings? Access { get; internal init; }

    internal TenantRouting? Tenants { get; init; }

    /// <summary>What <c>--check</c> says of the tenants lines go to, in lambda mode.</summary>
    public string? TenantsLine => Tenants is { FollowsLambda: true } tenants
        ? $"tenants: each Lambda tenant's lines go to Loki tenant '{tenants.Prefix}<tenant id>'; this test entry, like init's lines, to " +
          tenants.FallbackShown
        : null;

    /// <summary>How many bytes of entries the spool in <see cref="SpoolDirectory"/> may hold; 0 when it is off.</summary>
    public long SpoolMaxBytes => Delivery.SpoolMaxBytes;

    /// <summary>The events to register for (Managed Instances refuse INVOKE).</summary>
    public IReadOnlyList<string> RegisteredEvents => Model.RegisteredEvents();

    /// <summary>The largest delivery the platform is asked to send at once (the subscription's buffering).</summary>
    public int MaxDeliveryBytes => Buffering.MaxBytes;

    /// <summary>How many bytes of entries are held in memory at most.</summary>
    public long MaxBufferBytes => Delivery.MaxBufferBytes;
}

/// <summary>The buffering asked of the Telemetry API: sent explicitly, because AWS's pages disagree on the defaults.</summary>
internal sealed record TelemetryBuffering(int MaxItems, int MaxBytes, int TimeoutMs);

/// <summary><c>LOKI_MULTILINE</c>: whether stack traces printed line by line are joined into one entry.</summary>
internal enum Multiline
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
