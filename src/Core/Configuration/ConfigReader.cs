using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>Reads the configuration from environment variables given as a value. Never throws: every problem is one
/// message naming the variable, the bad value (secrets redacted) and what would be valid, and the setting falls back
/// to what keeps the function safe.</summary>
public static class ConfigReader
{
    public const string PushUrlVariable = ConfigValues.Names.PushUri;
    public const int DefaultPort = 1234;
    public const string DefaultSpoolDirectory = "/tmp/loki-lambda-extension-spool";
    private const string PushPath = "/loki/api/v1/push";

    /// <summary>The variables whose values are secrets: never printed, not even in part (declared in <see cref="ConfigValues"/>).</summary>
    public static IReadOnlySet<string> SecretVariables => ConfigValues.SecretVariables;

    /// <summary>Parses every declared variable (the generated <see cref="ConfigValues.Read"/>), then applies the rules that
    /// span several variables or turn a value into a setting.</summary>
    public static (ExtensionConfig Config, Seq<string> Problems) Read(IReadOnlyDictionary<string, string> environment)
    {
        var problems = new List<string>();
        var env = new EnvironmentValues(environment, problems);
        ConfigValues values = ConfigValues.Read(env, problems);

        string functionName = env.Get("AWS_LAMBDA_FUNCTION_NAME") is { Length: > 0 } name ? name : "unknown_function";
        var labels = new List<KeyValuePair<string, string>>
        {
            new("service_name", values.ServiceName.Length > 0 ? values.ServiceName : functionName),
            new("function_name", functionName),
            new("cloud_region", env.Get("AWS_REGION")),
        };
        labels.AddRange(values.Labels);

        int port = values.ListenerPort;
        if (port == 9001)
        {
            problems.Add($"{ConfigValues.Names.ListenerPort}='9001' is reserved by Lambda: give another port; using {DefaultPort}");
            port = DefaultPort;
        }
        var buffering = new TelemetryBuffering(values.BufferMaxItems, values.BufferMaxBytes, values.BufferTimeoutMs);
        var delivery = DeliveryPolicy.Default with
        {
            FlushBudgetMs = values.FlushTimeoutMs,
            // The platform flushes its buffer every timeoutMs: wait that long, twice, for the last delivery at SHUTDOWN.
            LingerMs = Math.Max(DeliveryPolicy.Default.LingerMs, 2L * buffering.TimeoutMs + 50),
            Flush = values.Flush,
            MaxBufferBytes = values.MaxBufferMb * 1024L * 1024,
            SpoolMaxBytes = values.SpoolMaxMb * 1024L * 1024,
        };

        var filter = new LineFilter(values.DropPattern, values.MaskPattern);
        bool maskBroken = env.Get(ConfigValues.Names.MaskPattern).Length > 0 && filter.Mask is null;
        if (maskBroken)
        {
            // Masking protects secrets: shipping unmasked lines because the pattern is broken would leak them.
            problems.Add($"nothing will be shipped until {ConfigValues.Names.MaskPattern} compiles: unmasked lines could carry what it should hide");
        }

        ExecutionModel model = ExecutionModels.Parse(env.Get(ExecutionModels.Variable), out string? unknownModel);
        var auth = new LokiAuth(values.AuthToken, values.Username, values.Password, values.TenantId, values.ExtraHeaders);
        Seq<SecretReference> references = AccessSettings.ReadReferences(auth, env.Get, problems);
        bool referenceBroken = AccessSettings.ReferableVariables.Any(v => SecretReference.Looks(env.Get(v))) && references.Count <
            AccessSettings.ReferableVariables.Count(v => SecretReference.Looks(env.Get(v)));
        Option<CredentialSource> credentials = values.ArchiveS3.IsSome || !references.IsEmpty ? CredentialSource.Read(env.Get, problems) : None;
        if (!references.IsEmpty && credentials.IsNone)
        {
            problems.Add($"{string.Join(", ", references.Map(r => r.Variable))} name secrets in AWS, but the environment holds no AWS credentials " +
                         $"to read them with ({CredentialSource.AccessKeyVariable}, or {CredentialSource.EndpointVariable}); nothing will be shipped");
        }
        // A secret that cannot be read leaves the pushes unauthenticated: shipping waits for it, or is off when it never can be.
        bool secretsUnreadable = referenceBroken || (!references.IsEmpty && credentials.IsNone);
        var notes = new List<string>();
        if (unknownModel is not null)
        {
            notes.Add(unknownModel);
        }
        TenantRouting tenants = ReadTenants(values, problems, notes);
        var config = new ExtensionConfig(
            PushUri: maskBroken || secretsUnreadable ? None : values.PushUri,
            Headers: references.IsEmpty ? LokiHeaders.Build(auth, problems) : Seq<HttpHeader>(),
            ListenerPort: port,
            Labels: StreamLabels.Create(labels),
            Shaping: new EntryShaping(values.MaxLineBytes, env.Get("AWS_LAMBDA_FUNCTION_VERSION"), env.Get("AWS_LAMBDA_LOG_STREAM_NAME"), filter,
                // Where the records of concurrent requests interleave (Managed Instances), two consecutive lines are not proven
                // to be one request's, and a trace joined across requests is worse than one left in lines: no joining.
                joinsStackTraces: values.Multiline == Multiline.Auto && !model.RunsConcurrently(), initializationType: model.Name()),
            TelemetryTypes: values.TelemetryTypes,
            Buffering: buffering,
            Delivery: delivery,
            SpoolDirectory: values.SpoolDirectory,
            Verbosity: values.Verbosity,
            FailOnConfigError: values.FailOnConfigError,
            Model: model,
            Notes: toSeq(notes.ToArray()),
            Archive: ArchiveTargets.Read(values, env, credentials, labels[0].Value, problems),
            Access: new AccessSettings(credentials, references, auth),
            Tenants: tenants);
        return (config, toSeq(problems.ToArray()));
    }

    /// <summary><c>LOKI_TENANT_MODE</c> and <c>LOKI_TENANT_PREFIX</c>, with <c>LOKI_TENANT_ID</c> as the fallback tenant
    /// (whose own problems <see cref="LokiHeaders.Build"/> says). A prefix Loki cannot take is dropped, not mended: two
    /// prefixes must never make one tenant.</summary>
    private static TenantRouting ReadTenants(ConfigValues values, List<string> problems, List<string> notes)
    {
        string fallback = LokiTenantIds.IsValid(values.TenantId) ? values.TenantId : "";
        string prefix = values.TenantPrefix;
        bool lambda = values.TenantMode == TenantMode.Lambda;
        if (lambda && fallback.Length == 0)
        {
            problems.Add($"{ConfigValues.Names.TenantMode}=lambda needs {ConfigValues.Names.TenantId}, the fallback tenant of lines no Lambda tenant " +
                         "owns (init's, the extension's own, a tenant id Loki cannot take): they go without X-Scope-OrgID, which a " +
                         "multi-tenant Loki refuses");
        }
        if (!LokiTenantIds.IsValidPrefix(prefix))
        {
            problems.Add($"{ConfigValues.Names.TenantPrefix}='{LokiTenantIds.Shown(prefix)}' cannot begin a Loki tenant id " +
                         $"({LokiTenantIds.Rule}, with room for the Lambda tenant's); every line goes to {TenantRouting.Shown(fallback)}");
            return TenantRouting.Fixed with { Fallback = fallback };
        }
        if (!lambda)
        {
            if (prefix.Length > 0)
            {
                notes.Add($"{ConfigValues.Names.TenantPrefix} is set, but {ConfigValues.Names.TenantMode} is fixed: every line goes to {TenantRouting.Shown(fallback)}");
            }
            return TenantRouting.Fixed with { Fallback = fallback };
        }
        if (!values.TelemetryTypes.Exists(t => t == "platform"))
        {
            // A function's JSON line can name any tenant; only Lambda's own records can be trusted to say whose this is.
            problems.Add($"{ConfigValues.Names.TenantMode}=lambda needs platform records ({ConfigValues.Names.TelemetryTypes} with platform): only " +
                         $"they name the environment's tenant; every line goes to {TenantRouting.Shown(fallback)}");
        }
        return new TenantRouting(TenantMode.Lambda, fallback, prefix);
    }

    /// <summary>A base URL gets the push path appended; a URL that already ends in it is used as it is.</summary>
    public static Either<string, Uri> ParsePushUrl(string text)
    {
        if (text.Length == 0)
        {
            return $"{PushUrlVariable} is not set: give the Loki base URL, e.g. https://logs.example.com or " +
                   "http://10.0.0.5:3100; nothing will be shipped";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != "http" && uri.Scheme != "https")
            || uri.Host.Length == 0)
        {
            return $"{PushUrlVariable}='{Redaction.Url(text)}' is not an http(s) URL: give e.g. https://logs.example.com; " +
                   "nothing will be shipped";
        }
        if (uri.UserInfo.Length > 0)
        {
            return $"{PushUrlVariable}='{Redaction.Url(text)}' carries credentials: set {ConfigValues.Names.Username} and {ConfigValues.Names.Password} " +
                   $"(or {ConfigValues.Names.AuthToken}) instead; nothing will be shipped";
        }
        string path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith(PushPath, StringComparison.Ordinal))
        {
            path += PushPath;
        }
        return new UriBuilder(uri) { Path = path }.Uri;
    }
}
