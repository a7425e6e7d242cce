using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The configuration contract, declared once: one attribute per environment variable (name, kind, default,
/// range, whether it is a secret, its meaning), in the order they are read. The generator (src/ConfigGenerator) turns
/// these into this class's properties and reader, the secret list, the help lines and the README's table; the rules
/// that span several variables stay hand-written in <see cref="ConfigReader"/>, after the parsing. To add a variable,
/// add its line here (and a parser below when no kind fits), then use its property in <see cref="ConfigReader"/>, and
/// its name, where code must say it, as <c>ConfigValues.Names.Property</c>. For example, a whole number of seconds:
/// <c>[IntVariable("LOKI_IDLE_SECONDS", Property = nameof(IdleSeconds), Default = 60, Min = 1, Max = 3600, Unit = "number of
/// seconds", Meaning = "...")]</c>. The README's table follows (see its Configuration section).</summary>
[ConfigurationContract]
[ParsedVariable("LOKI_PUSH_URL", typeof(Option<Uri>), Property = nameof(PushUri), Parser = nameof(ParsePushUrl), DefaultText = "required",
    Meaning = "Loki base URL (scheme, host, port, optional path prefix); /loki/api/v1/push is appended",
    Details = "A URL that already ends in it is used as is; a trailing slash is fine. Credentials in the URL are refused: use the variables below.")]
[ParsedVariable("LOKI_LABELS", typeof(Seq<KeyValuePair<string, string>>), Property = nameof(Labels), Parser = nameof(ParseLabels),
    Meaning = "extra stream labels, env=prod,team=payments (15 labels at most)",
    Details = "Names must match `[a-zA-Z_][a-zA-Z0-9_]*`; an invalid entry, an empty value, a name the extension sets itself, or one past Loki's limit is reported and skipped, and the rest still apply.")]
[IntVariable("LOKI_MAX_LINE_BYTES", Property = nameof(MaxLineBytes), Default = LineLimit.DefaultMaxBytes, Min = LineLimit.MinimumMaxBytes, Max = 64 * 1024 * 1024,
    Unit = "number of bytes", Meaning = "longest line sent; longer lines are cut with a marker",
    Details = "They are cut at a character boundary and end with ` … [N bytes truncated]`; the default is Loki's `max_line_size`.")]
[IntVariable("LOKI_EXTENSION_PORT", Property = nameof(ListenerPort), Default = ConfigReader.DefaultPort, Min = 1, Max = 65535, Unit = "port number",
    Meaning = "port of the telemetry listener (not 9001)", Details = "When it is taken, a free port is used and a line says so.")]
[ClampedVariable("LOKI_BUFFER_MAX_ITEMS", Property = nameof(BufferMaxItems), Default = 1000, Min = 1000, Max = 10_000,
    Meaning = "Telemetry API buffering: records per delivery, clamped to the platform's 1000-10000")]
[ClampedVariable("LOKI_BUFFER_MAX_BYTES", Property = nameof(BufferMaxBytes), Default = 262_144, Min = 262_144, Max = 1_048_576,
    Meaning = "Telemetry API buffering: bytes per delivery, clamped to the platform's 262144-1048576")]
[ClampedVariable("LOKI_BUFFER_TIMEOUT_MS", Property = nameof(BufferTimeoutMs), Default = 25, Min = 25, Max = 30_000,
    Meaning = "Telemetry API buffering: milliseconds, clamped to the platform's 25-30000")]
[IntVariable("LOKI_FLUSH_TIMEOUT_MS", Property = nameof(FlushTimeoutMs), Default = 1000, Min = 0, Max = 60_000, Unit = "number of milliseconds",
    Meaning = "longest hold after the runtime is done, to flush (0-60000; never past the invoke's deadline)")]
[ParsedVariable("LOKI_FLUSH_STRATEGY", typeof(FlushStrategy), Property = nameof(Flush), Parser = nameof(ParseFlushStrategy), DefaultValue = "end",
    Meaning = "when lines are pushed: end, adaptive, or periodic,MS",
    Details = "`end`: at the end of every invocation, before `/event/next`, so they are in Loki before each freeze. `periodic,MS`: at most once per MS (100-60000), batching across invocations: a due push starts when an invocation starts, overlapping the function's work, and the extension returns to `/event/next` without waiting for `runtimeDone`. `adaptive`: `periodic,1000` while invocations come more than 4 per second, `end` otherwise.")]
[IntVariable("LOKI_MAX_BUFFER_MB", Property = nameof(MaxBufferMb), Default = 16, Min = 1, Max = 1024, Unit = "number of MiB",
    Meaning = "memory for entries not yet delivered (1-1024)",
    Details = "From three quarters of it the oldest entries spill to the spool; past it, lines are shed by priority.")]
[IntVariable("LOKI_SPOOL_MAX_MB", Property = nameof(SpoolMaxMb), Default = 64, Min = 0, Max = 10_240, Unit = "number of MiB (0 turns the spool off)",
    Meaning = "spool size (0-10240; 0 turns it off)", Details = "Lambda's `/tmp` is 512 MB by default.")]
[ParsedVariable("LOKI_SPOOL_DIR", typeof(string), Property = nameof(SpoolDirectory), Parser = nameof(ParseSpoolDirectory), DefaultValue = ConfigReader.DefaultSpoolDirectory,
    Meaning = "where entries spill beyond memory (an absolute path; files 0600)")]
[PatternVariable("LOKI_DROP_PATTERN", Property = nameof(DropPattern),
    Meaning = "lines matching this .NET regex are not shipped (counted)", Details = "They are counted as `filtered=` in the summary.")]
[PatternVariable("LOKI_MASK_PATTERN", Property = nameof(MaskPattern),
    Meaning = "every match is replaced by *** before shipping (card numbers, tokens)",
    Details = "A pattern that does not compile turns shipping off rather than ship unmasked lines.")]
[ChoiceVariable("LOKI_MULTILINE", typeof(Multiline), Property = nameof(Multiline), Choices = "auto,off", Default = "auto",
    Meaning = "auto: a stack trace printed line by line (Java, Python, .NET, Node, Go, Ruby) is shipped as one entry",
    Details = "Consecutive lines of one delivery and one invocation join the line before them when they continue a trace (`\\tat `, `Caused by:`, `  File \"…\", line N`, `   at `, `goroutine N [running]:`, `\\tfrom `…), with `\\n`; the entry keeps the first line's time and is `level=error` when it names an exception. A line with a runtime prefix (time, request id, level) always starts an entry, nothing is held waiting for a continuation, and a joint that would pass `LOKI_MAX_LINE_BYTES` starts a new entry. Node's `\\r` separators become `\\n`. On Lambda Managed Instances, where the lines of concurrent requests interleave, nothing is joined: two consecutive lines are not proven to be one request's.")]
[TextVariable("LOKI_AUTH_TOKEN", Property = nameof(AuthToken), Secret = true,
    Meaning = "sent as 'Authorization: Bearer <token>' (as is when it names a scheme); or a secret's ARN",
    Details = "A Secrets Manager ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`, with `:JSON_KEY` to pick a field of a JSON secret) or a Parameter Store ARN (`arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`) is read from AWS at init (and after a SnapStart restore, and once when Loki answers 401/403), never printed. See \"Secrets from AWS\".")]
[TextVariable("LOKI_USERNAME", Property = nameof(Username), Secret = true,
    Meaning = "HTTP basic auth user (Grafana Cloud: the instance id); with LOKI_PASSWORD, both or neither",
    Details = "`LOKI_AUTH_TOKEN` wins when both kinds are set.")]
[TextVariable("LOKI_PASSWORD", Property = nameof(Password), Secret = true,
    Meaning = "HTTP basic auth password (Grafana Cloud: an access token); or a secret's ARN, as for LOKI_AUTH_TOKEN")]
[TextVariable("LOKI_TENANT_ID", Property = nameof(TenantId),
    Meaning = "X-Scope-OrgID header, for multi-tenant Loki (up to 150 of a-z A-Z 0-9 ! - _ . * ' ( )); with LOKI_TENANT_MODE=lambda, the fallback tenant")]
[ChoiceVariable("LOKI_TENANT_MODE", typeof(TenantMode), Property = nameof(TenantMode), Choices = "fixed,lambda", Default = "fixed",
    Meaning = "fixed: every line to LOKI_TENANT_ID; lambda: under Lambda's tenant isolation, each environment's lines to its tenant's Loki tenant",
    Details = "With `lambda`, an environment's lines go to the Loki tenant `LOKI_TENANT_PREFIX` + the Lambda tenant id that `platform.start` names. Lines from before it is named (init), the extension's own, a Lambda tenant id Loki cannot take, and a record naming another tenant go to `LOKI_TENANT_ID`, the fallback tenant. See \"Tenant isolation\".")]
[TextVariable("LOKI_TENANT_PREFIX", Property = nameof(TenantPrefix),
    Meaning = "with LOKI_TENANT_MODE=lambda, put before each Lambda tenant id to make its Loki tenant id (e.g. acme-)")]
[TextVariable("LOKI_HEADERS", Property = nameof(ExtraHeaders), Secret = true,
    Meaning = "extra request headers, Name=value,Name2=value2; or a secret's ARN holding them, as for LOKI_AUTH_TOKEN")]
[TextVariable("LOKI_SERVICE_NAME", Property = nameof(ServiceName), DefaultText = "the function name",
    Meaning = "the service_name label (Grafana's Logs Drilldown is organised by it)")]
[ParsedVariable("LOKI_TELEMETRY_TYPES", typeof(Seq<string>), Property = nameof(TelemetryTypes), Parser = nameof(ParseTelemetryTypes), DefaultValue = "platform,function",
    Meaning = "records to subscribe to: any of platform,function,extension",
    Details = "With `extension`, the extension's own output is never shipped back (no feedback loop).")]
[ChoiceVariable("LOKI_LOG_LEVEL", typeof(Verbosity), Property = nameof(Verbosity), Choices = "debug,info,warn,error", Default = "info",
    Meaning = "the extension's own output: debug, info, warn, error")]
[ParsedVariable("LOKI_ARCHIVE_S3", typeof(Option<ArchiveLocation>), Property = nameof(ArchiveS3), Parser = nameof(ParseArchiveLocation), DefaultText = "off",
    Meaning = "s3://bucket/prefix: an S3 archive of what Loki cannot take (and, with LOKI_ARCHIVE_MODE=all, of everything)",
    Details = "Objects are Loki push bodies (protobuf + snappy), replayable as they are; signed with the function role's credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; on SnapStart the container credentials endpoint, `AWS_CONTAINER_CREDENTIALS_FULL_URI`), for `AWS_REGION`, which need `s3:PutObject` on the prefix. See \"S3 archive\".")]
[ChoiceVariable("LOKI_ARCHIVE_MODE", typeof(ArchiveMode), Property = nameof(ArchiveMode), Choices = "fallback,all", Default = "fallback",
    Meaning = "fallback: only what would be lost goes to the archive; all: every batch Loki stored too",
    Details = "`fallback` archives entries Loki did not take by SHUTDOWN's deadline and lines shed from a full buffer; the loss report says `archived`.")]
[ParsedVariable("LOKI_ARCHIVE_S3_ENDPOINT", typeof(Option<Uri>), Property = nameof(ArchiveEndpoint), Parser = nameof(ParseArchiveEndpoint), DefaultText = "AWS S3",
    Meaning = "an S3-compatible endpoint (http(s)://host:port), addressed path-style",
    Details = "For MinIO, s3rver, LocalStack; unset, objects go to `https://<bucket>.s3.<AWS_REGION>.amazonaws.com`.")]
[BoolVariable("LOKI_FAIL_ON_CONFIG_ERROR", Property = nameof(FailOnConfigError), Default = false,
    Meaning = "true: a configuration error fails the function's init",
    Details = "Any problem is reported to Lambda (`/init/error`, `Extension.ConfigError`).")]
public sealed partial class ConfigValues
{
    private static Option<Uri> ParsePushUrl(string text, List<string> problems) =>
        ConfigReader.ParsePushUrl(text).Match(uri => Some(uri), problem => { problems.Add(problem); return None; });

    private static Seq<KeyValuePair<string, string>> ParseLabels(string text, List<string> problems)
    {
        var (labels, labelProblems) = ExtraLabels.Parse(text, ["service_name", "function_name", "cloud_region", "source"]);
        problems.AddRange(labelProblems);
        return toSeq(labels);
    }

    /// <summary><c>end</c>, <c>adaptive</c> or <c>periodic,MS</c> (100 to 60000 ms).</summary>
    private static FlushStrategy ParseFlushStrategy(string text, List<string> problems)
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
                problems.Add($"{Names.Flush}='{EnvironmentValues.Shorten(text)}' is not end, adaptive or periodic,MS " +
                             "(MS from 100 to 60000); using end");
                return FlushStrategy.End;
        }
    }

    private static string ParseSpoolDirectory(string text, List<string> problems)
    {
        if (text.Length > 0 && !Path.IsPathFullyQualified(text))
        {
            problems.Add($"{Names.SpoolDirectory}='{text}' is not an absolute path: give e.g. /tmp/loki-spool; using {ConfigReader.DefaultSpoolDirectory}");
            return ConfigReader.DefaultSpoolDirectory;
        }
        return text.Length > 0 ? text : ConfigReader.DefaultSpoolDirectory;
    }

    private static Option<ArchiveLocation> ParseArchiveLocation(string text, List<string> problems) => text.Length == 0
        ? None
        : ArchiveLocation.Parse(text).Match(location => Some(location), problem =>
        {
            problems.Add($"{Names.ArchiveS3}='{Redaction.Url(text)}' {problem}: give e.g. s3://my-log-archive/lambda; the archive is off");
            return None;
        });

    private static Option<Uri> ParseArchiveEndpoint(string text, List<string> problems)
    {
        if (text.Length == 0)
        {
            return None;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && uri.UserInfo.Length == 0)
        {
            return uri;
        }
        problems.Add($"{Names.ArchiveEndpoint}='{Redaction.Url(text)}' is not an http(s) URL without credentials: give e.g. " +
                     "http://127.0.0.1:9000; the archive is off");
        return None;
    }

    private static Seq<string> ParseTelemetryTypes(string text, List<string> problems)
    {
        string[] known = ["platform", "function", "extension"];
        var types = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.ToLowerInvariant()).Distinct().ToList();
        var unknown = types.Where(t => !known.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"{Names.TelemetryTypes} has unknown types '{string.Join(",", unknown)}': give any of platform,function,extension; " +
                         "they are skipped");
        }
        var valid = types.Where(known.Contains).ToArray();
        return valid.Length > 0 ? toSeq(valid) : Seq("platform", "function");
    }
}
