using System.Text;
using System.Text.RegularExpressions;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>Reads the configuration from environment variables given as a value. Never throws: every problem is one
/// message naming the variable, the bad value (secrets redacted) and what would be valid, and the setting falls back
/// to what keeps the function safe.</summary>
public static class ConfigReader
{
    public const string PushUrlVariable = "LOKI_PUSH_URL";
    public const string ServiceNameVariable = "LOKI_SERVICE_NAME";
    public const string MaxLineBytesVariable = "LOKI_MAX_LINE_BYTES";
    public const int DefaultPort = 1234;
    public const string DefaultSpoolDirectory = "/tmp/loki-lambda-extension-spool";
    private const string PushPath = "/loki/api/v1/push";

    /// <summary>The variables whose values are secrets: never printed, not even in part.</summary>
    public static readonly IReadOnlySet<string> SecretVariables =
        new System.Collections.Generic.HashSet<string> { "LOKI_AUTH_TOKEN", "LOKI_PASSWORD", "LOKI_HEADERS" };

    public static (ExtensionConfig Config, Seq<string> Problems) Read(IReadOnlyDictionary<string, string> environment)
    {
        var problems = new List<string>();
        var env = new EnvironmentValues(environment, problems);

        var pushUri = ParsePushUrl(env.Get(PushUrlVariable));
        pushUri.IfLeft(problems.Add);

        string functionName = env.Get("AWS_LAMBDA_FUNCTION_NAME") is { Length: > 0 } name ? name : "unknown_function";
        var common = new List<KeyValuePair<string, string>>
        {
            new("service_name", env.Get(ServiceNameVariable) is { Length: > 0 } service ? service : functionName),
            new("function_name", functionName),
            new("cloud_region", env.Get("AWS_REGION")),
        };
        var (extra, labelProblems) = ExtraLabels.Parse(env.Get(ExtraLabels.Variable), ["service_name", "function_name", "cloud_region", "source"]);
        problems.AddRange(labelProblems);
        common.AddRange(extra);

        int maxLineBytes = env.Int(MaxLineBytesVariable, LineLimit.DefaultMaxBytes, LineLimit.MinimumMaxBytes, 64 * 1024 * 1024, "number of bytes");
        int port = env.Int("LOKI_EXTENSION_PORT", DefaultPort, 1, 65535, "port number");
        if (port == 9001)
        {
            problems.Add($"LOKI_EXTENSION_PORT='9001' is reserved by Lambda: give another port; using {DefaultPort}");
            port = DefaultPort;
        }
        var buffering = new TelemetryBuffering(
            env.Clamped("LOKI_BUFFER_MAX_ITEMS", 1000, 1000, 10_000),
            env.Clamped("LOKI_BUFFER_MAX_BYTES", 262_144, 262_144, 1_048_576),
            env.Clamped("LOKI_BUFFER_TIMEOUT_MS", 25, 25, 30_000));
        var delivery = DeliveryPolicy.Default with
        {
            FlushBudgetMs = env.Int("LOKI_FLUSH_TIMEOUT_MS", (int)DeliveryPolicy.Default.FlushBudgetMs, 0, 60_000, "number of milliseconds"),
            // The platform flushes its buffer every timeoutMs: wait that long, twice, for the last delivery at SHUTDOWN.
            LingerMs = Math.Max(DeliveryPolicy.Default.LingerMs, 2L * buffering.TimeoutMs + 50),
            Flush = FlushStrategyOf(env.Get("LOKI_FLUSH_STRATEGY"), problems),
            MaxBufferBytes = env.Int("LOKI_MAX_BUFFER_MB", 16, 1, 1024, "number of MiB") * 1024L * 1024,
            SpoolMaxBytes = env.Int("LOKI_SPOOL_MAX_MB", 64, 0, 10_240, "number of MiB (0 turns the spool off)") * 1024L * 1024,
        };
        string spoolDirectory = env.Get("LOKI_SPOOL_DIR");
        if (spoolDirectory.Length > 0 && !Path.IsPathFullyQualified(spoolDirectory))
        {
            problems.Add($"LOKI_SPOOL_DIR='{spoolDirectory}' is not an absolute path: give e.g. /tmp/loki-spool; using {DefaultSpoolDirectory}");
            spoolDirectory = "";
        }

        var filter = new LineFilter(env.Pattern("LOKI_DROP_PATTERN"), env.Pattern("LOKI_MASK_PATTERN"));
        bool maskBroken = env.Get("LOKI_MASK_PATTERN").Length > 0 && filter.Mask is null;
        if (maskBroken)
        {
            // Masking protects secrets: shipping unmasked lines because the pattern is broken would leak them.
            problems.Add("nothing will be shipped until LOKI_MASK_PATTERN compiles: unmasked lines could carry what it should hide");
        }

        var config = new ExtensionConfig(
            PushUri: maskBroken ? None : pushUri.ToOption(),
            Headers: Headers(env, problems),
            ListenerPort: port,
            Labels: StreamLabels.Create(common),
            Shaping: new EntryShaping(maxLineBytes, env.Get("AWS_LAMBDA_FUNCTION_VERSION"), env.Get("AWS_LAMBDA_LOG_STREAM_NAME"), filter),
            TelemetryTypes: TelemetryTypes(env, problems),
            Buffering: buffering,
            Delivery: delivery,
            SpoolDirectory: spoolDirectory.Length > 0 ? spoolDirectory : DefaultSpoolDirectory,
            Verbosity: env.Choice("LOKI_LOG_LEVEL", Verbosity.Info,
                ("debug", Verbosity.Debug), ("info", Verbosity.Info), ("warn", Verbosity.Warn), ("error", Verbosity.Error)),
            FailOnConfigError: env.Choice("LOKI_FAIL_ON_CONFIG_ERROR", false, ("true", true), ("false", false)));
        return (config, toSeq(problems.ToArray()));
    }

    /// <summary><c>end</c>, <c>adaptive</c> or <c>periodic,MS</c> (100 to 60000 ms).</summary>
    private static FlushStrategy FlushStrategyOf(string text, List<string> problems)
    {
        string[] parts = text.ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries);
        switch (parts)
        {
            case [""] or ["end"]:
                return FlushStrategy.End;
            case ["adaptive"]:
                return FlushStrategy.Adaptive;
            case ["periodic", var ms] when int.TryParse(ms, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int period)
                                        && period is >= 100 and <= 60_000:
                return new FlushStrategy(FlushMode.Periodic, period);
            default:
                problems.Add($"LOKI_FLUSH_STRATEGY='{(text.Length <= 80 ? text : text[..79] + "…")}' is not end, adaptive or periodic,MS " +
                             "(MS from 100 to 60000); using end");
                return FlushStrategy.End;
        }
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
            return $"{PushUrlVariable}='{Redacted(text)}' is not an http(s) URL: give e.g. https://logs.example.com; " +
                   "nothing will be shipped";
        }
        if (uri.UserInfo.Length > 0)
        {
            return $"{PushUrlVariable}='{Redacted(text)}' carries credentials: set LOKI_USERNAME and LOKI_PASSWORD " +
                   "(or LOKI_AUTH_TOKEN) instead; nothing will be shipped";
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

    private static Seq<HttpHeader> Headers(EnvironmentValues env, List<string> problems)
    {
        var headers = new List<HttpHeader>();
        string token = env.Get("LOKI_AUTH_TOKEN");
        string user = env.Get("LOKI_USERNAME");
        string password = env.Get("LOKI_PASSWORD");
        if (token.Length > 0 && (user.Length > 0 || password.Length > 0))
        {
            problems.Add("LOKI_AUTH_TOKEN and LOKI_USERNAME/LOKI_PASSWORD are both set: give one way to authenticate; " +
                         "using LOKI_AUTH_TOKEN");
        }
        if (token.Length > 0)
        {
            if (IsHeaderValue(token))
            {
                headers.Add(new("Authorization", AuthorizationHeader(token).IfNone("")));
            }
            else
            {
                problems.Add("LOKI_AUTH_TOKEN holds a line break or control character: give the token alone; no Authorization is sent");
            }
        }
        else if (user.Length > 0 != password.Length > 0)
        {
            problems.Add($"{(user.Length > 0 ? "LOKI_PASSWORD" : "LOKI_USERNAME")} is not set: basic auth needs both " +
                         "(Grafana Cloud: the instance id and an access token); no Authorization is sent");
        }
        else if (user.Length > 0)
        {
            if (user.Contains(':'))
            {
                problems.Add($"LOKI_USERNAME='{user}' contains ':', which basic auth cannot carry; no Authorization is sent");
            }
            else
            {
                headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))));
            }
        }

        string tenant = env.Get("LOKI_TENANT_ID");
        if (tenant.Length > 0)
        {
            if (tenant.Length <= 150 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || "!-_.*'()".Contains(c)) && tenant is not ("." or ".."))
            {
                headers.Add(new("X-Scope-OrgID", tenant));
            }
            else
            {
                problems.Add($"LOKI_TENANT_ID='{tenant}' is not a Loki tenant id: up to 150 of a-z A-Z 0-9 ! - _ . * ' ( ); " +
                             "no X-Scope-OrgID is sent");
            }
        }

        foreach (string item in env.Get("LOKI_HEADERS").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
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
                // The name only: header values are secrets.
                problems.Add($"LOKI_HEADERS entry '{(equals < 0 ? "(no '=')" : headerName)}' {problem}; skipped");
            }
        }
        return toSeq(headers.ToArray());
    }

    private static Seq<string> TelemetryTypes(EnvironmentValues env, List<string> problems)
    {
        string text = env.Get("LOKI_TELEMETRY_TYPES");
        string[] known = ["platform", "function", "extension"];
        var types = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.ToLowerInvariant()).Distinct().ToList();
        var unknown = types.Where(t => !known.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"LOKI_TELEMETRY_TYPES has unknown types '{string.Join(",", unknown)}': give any of platform,function,extension; " +
                         "they are skipped");
        }
        var valid = types.Where(known.Contains).ToArray();
        return valid.Length > 0 ? toSeq(valid) : Seq("platform", "function");
    }

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static bool IsHeaderValue(string value) => value.All(c => c >= ' ' && c != '\x7f');

    /// <summary>URLs can carry credentials (<c>https://user:secret@host</c>): never print them.</summary>
    internal static string Redacted(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', Math.Max(0, scheme));
        return scheme >= 0 && at > scheme ? string.Concat(url.AsSpan(0, scheme + 3), "***", url.AsSpan(at)) : url;
    }
}
