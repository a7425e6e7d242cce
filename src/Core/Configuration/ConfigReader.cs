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
        var config = new ExtensionConfig(
            PushUri: maskBroken ? None : values.PushUri,
            Headers: Headers(values, problems),
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
            Notes: unknownModel is null ? Seq<string>() : Seq1(unknownModel),
            Archive: ArchiveTargets.Read(values, env, labels[0].Value, problems));
        return (config, toSeq(problems.ToArray()));
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

    /// <summary>A bare token is a bearer token; a value that names its scheme (<c>Basic …</c>) is sent as it is.</summary>
    public static Option<string> AuthorizationHeader(string token) =>
        token.Length == 0 ? None : token.Contains(' ') ? token : $"Bearer {token}";

    /// <summary>Authorization (a token, or basic auth: both parts or neither, the token winning), the tenant, and the
    /// extra headers, none of which may replace another.</summary>
    private static Seq<HttpHeader> Headers(ConfigValues values, List<string> problems)
    {
        var headers = new List<HttpHeader>();
        string token = values.AuthToken;
        string user = values.Username;
        string password = values.Password;
        if (token.Length > 0 && (user.Length > 0 || password.Length > 0))
        {
            problems.Add($"{ConfigValues.Names.AuthToken} and {ConfigValues.Names.Username}/{ConfigValues.Names.Password} are both set: " +
                         $"give one way to authenticate; using {ConfigValues.Names.AuthToken}");
        }
        if (token.Length > 0)
        {
            if (IsHeaderValue(token))
            {
                headers.Add(new("Authorization", AuthorizationHeader(token).IfNone("")));
            }
            else
            {
                problems.Add($"{ConfigValues.Names.AuthToken} holds a line break or control character: give the token alone; no Authorization is sent");
            }
        }
        else if (user.Length > 0 != password.Length > 0)
        {
            problems.Add($"{(user.Length > 0 ? ConfigValues.Names.Password : ConfigValues.Names.Username)} is not set: basic auth needs both " +
                         "(Grafana Cloud: the instance id and an access token); no Authorization is sent");
        }
        else if (user.Length > 0)
        {
            if (user.Contains(':'))
            {
                problems.Add($"{ConfigValues.Names.Username} contains ':', which basic auth cannot carry; no Authorization is sent");
            }
            else
            {
                headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))));
            }
        }

        string tenant = values.TenantId;
        if (tenant.Length > 0)
        {
            if (tenant.Length <= 150 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || "!-_.*'()".Contains(c)) && tenant is not ("." or ".."))
            {
                headers.Add(new("X-Scope-OrgID", tenant));
            }
            else
            {
                problems.Add($"{ConfigValues.Names.TenantId}='{tenant}' is not a Loki tenant id: up to 150 of a-z A-Z 0-9 ! - _ . * ' ( ); " +
                             "no X-Scope-OrgID is sent");
            }
        }

        string[] entries = values.ExtraHeaders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < entries.Length; i++)
        {
            string item = entries[i];
            int equals = item.IndexOf('=');
            string headerName = equals < 0 ? item : item[..equals].Trim();
            string value = equals < 0 ? "" : item[(equals + 1)..].Trim();
            string? problem = equals <= 0 ? "is not Name=value"
                : !IsToken(headerName) ? "has an invalid header name"
                : !IsHeaderValue(value) ? "has a line break or control character in its value"
                : headerName.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || headerName.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    ? "would replace a header the push needs"
                : headers.Any(h => h.Name.Equals(headerName, StringComparison.OrdinalIgnoreCase)) ? "repeats a header already set"
                : null;
            if (problem is null)
            {
                headers.Add(new(headerName, value));
            }
            else
            {
                // A valid name only: header values are secrets, and an entry that is not Name=value may be a value whole
                // ('Authorization: Basic …').
                string named = equals > 0 && IsToken(headerName) ? $" '{headerName}'" : "";
                problems.Add($"{ConfigValues.Names.ExtraHeaders} entry {i + 1}{named} {problem}; skipped (its text is not shown: it may hold a secret)");
            }
        }
        return toSeq(headers.ToArray());
    }

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static bool IsHeaderValue(string value) => value.All(c => c >= ' ' && c != '\x7f');
}
