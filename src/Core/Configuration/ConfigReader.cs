using LanguageExt;
using LokiLambdaExtension.Core.Lifecycle;
using LokiLambdaExtension.Core.Loki;
using LokiLambdaExtension.Core.Telemetry;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>Reads the configuration from environment variables given as a value. Never throws: every problem is a
/// message naming the variable and what would be valid, and the setting falls back to what keeps the function safe.</summary>
public static class ConfigReader
{
    public const string PushUrlVariable = "LOKI_PUSH_URL";
    public const string AuthTokenVariable = "LOKI_AUTH_TOKEN";
    public const string PortVariable = "LOKI_EXTENSION_PORT";
    public const string ServiceNameVariable = "LOKI_SERVICE_NAME";
    public const string MaxLineBytesVariable = "LOKI_MAX_LINE_BYTES";
    public const int DefaultPort = 1234;
    private const string PushPath = "/loki/api/v1/push";

    public static (ExtensionConfig Config, Seq<string> Problems) Read(IReadOnlyDictionary<string, string> environment)
    {
        var problems = Seq<string>();
        string Get(string name) => environment.TryGetValue(name, out string? value) ? value.Trim() : "";

        var pushUri = ParsePushUrl(Get(PushUrlVariable));
        pushUri.IfLeft(problem => problems = problems.Add(problem));

        string functionName = Get("AWS_LAMBDA_FUNCTION_NAME") is { Length: > 0 } name ? name : "unknown_function";
        string serviceName = Get(ServiceNameVariable) is { Length: > 0 } service ? service : functionName;
        var common = new List<KeyValuePair<string, string>>
        {
            new("service_name", serviceName),
            new("function_name", functionName),
            new("cloud_region", Get("AWS_REGION")),
        };
        var (extra, labelProblems) = ExtraLabels.Parse(Get(ExtraLabels.Variable), ["service_name", "function_name", "cloud_region", "source"]);
        // Element by element: Seq concatenation (+) builds nested generic types Native AOT cannot compile.
        foreach (string problem in labelProblems)
        {
            problems = problems.Add(problem);
        }
        common.AddRange(extra);

        int maxLineBytes = LineLimit.DefaultMaxBytes;
        string maxLineText = Get(MaxLineBytesVariable);
        if (maxLineText.Length > 0 && !(int.TryParse(maxLineText, out maxLineBytes) && maxLineBytes >= LineLimit.MinimumMaxBytes))
        {
            problems = problems.Add($"{MaxLineBytesVariable}='{maxLineText}' is not a number of bytes of at least " +
                                    $"{LineLimit.MinimumMaxBytes}; using {LineLimit.DefaultMaxBytes} (Loki's default max_line_size)");
            maxLineBytes = LineLimit.DefaultMaxBytes;
        }
        int port = DefaultPort;
        string portText = Get(PortVariable);
        if (portText.Length > 0 && !(int.TryParse(portText, out port) && port is > 0 and < 65536 && port != 9001))
        {
            problems = problems.Add($"{PortVariable}='{portText}' is not a usable port: give 1-65535 other than 9001 " +
                                    $"(reserved by Lambda); using {DefaultPort}");
            port = DefaultPort;
        }

        var config = new ExtensionConfig(
            PushUri: pushUri.ToOption(),
            Authorization: AuthorizationHeader(Get(AuthTokenVariable)),
            ListenerPort: port,
            FunctionName: functionName,
            Labels: StreamLabels.Create(common),
            Shaping: new EntryShaping(maxLineBytes, Get("AWS_LAMBDA_FUNCTION_VERSION"), Get("AWS_LAMBDA_LOG_STREAM_NAME")),
            TelemetryTypes: Seq("platform", "function"),
            Buffering: new TelemetryBuffering(MaxItems: 1000, MaxBytes: 262_144, TimeoutMs: 25),
            Delivery: DeliveryPolicy.Default);
        return (config, problems);
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
        string path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith(PushPath, StringComparison.Ordinal))
        {
            path += PushPath;
        }
        return new UriBuilder(uri) { Path = path, UserName = "", Password = "" }.Uri;
    }

    /// <summary>A bare token is a bearer token; a value that names its scheme (<c>Basic …</c>) is sent as it is.</summary>
    public static Option<string> AuthorizationHeader(string token) =>
        token.Length == 0 ? None : token.Contains(' ') ? token : $"Bearer {token}";

    /// <summary>URLs can carry credentials (<c>https://user:secret@host</c>): never print them.</summary>
    internal static string Redacted(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', Math.Max(0, scheme));
        return scheme >= 0 && at > scheme ? string.Concat(url.AsSpan(0, scheme + 3), "***", url.AsSpan(at)) : url;
    }
}
