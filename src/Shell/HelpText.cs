namespace LokiLambdaExtension.Shell;

/// <summary>What <c>--help</c> prints: the whole configuration contract, as in the README.</summary>
internal static class HelpText
{
    public const string Text = """
        loki-lambda-extension: an AWS Lambda extension that ships the function's logs and platform events to Grafana Loki.
        Lambda starts it from the layer as /opt/extensions/loki-lambda-extension.

        usage: loki-lambda-extension            run as a Lambda extension (needs AWS_LAMBDA_RUNTIME_API)
               loki-lambda-extension --check    validate the configuration and push one test entry
               loki-lambda-extension --version | --help

        Configuration (environment variables of the function):
          LOKI_PUSH_URL              Loki base URL (scheme, host, port); /loki/api/v1/push is appended       required
          LOKI_AUTH_TOKEN            sent as 'Authorization: Bearer <token>' (as is when it names a scheme)   none
          LOKI_USERNAME, LOKI_PASSWORD  HTTP basic auth (Grafana Cloud: instance id and access token)         none
          LOKI_TENANT_ID             X-Scope-OrgID header, for multi-tenant Loki                              none
          LOKI_HEADERS               extra request headers, Name=value,Name2=value2                           none
          LOKI_SERVICE_NAME          the service_name label                                         the function name
          LOKI_LABELS                extra stream labels, env=prod,team=payments (15 labels at most)          none
          LOKI_TELEMETRY_TYPES       any of platform,function,extension                          platform,function
          LOKI_EXTENSION_PORT        telemetry listener port (a free one when taken)                          1234
          LOKI_BUFFER_MAX_ITEMS      Telemetry API buffering, clamped to 1000-10000                           1000
          LOKI_BUFFER_MAX_BYTES      Telemetry API buffering, clamped to 262144-1048576                     262144
          LOKI_BUFFER_TIMEOUT_MS     Telemetry API buffering, clamped to 25-30000                               25
          LOKI_FLUSH_TIMEOUT_MS      longest hold after the runtime is done, to flush (0-60000)               1000
          LOKI_FLUSH_STRATEGY        end, adaptive, or periodic,MS: when lines are pushed                      end
          LOKI_MAX_LINE_BYTES        longer lines are cut with a marker (at least 1024)                     262144
          LOKI_MAX_BUFFER_MB         memory for entries not yet delivered (1-1024)                              16
          LOKI_SPOOL_DIR             where entries spill beyond memory (files 0600)    /tmp/loki-lambda-extension-spool
          LOKI_SPOOL_MAX_MB          spool size (0-10240; 0 turns it off)                                        64
          LOKI_DROP_PATTERN          lines matching this .NET regex are not shipped (counted)                 none
          LOKI_MASK_PATTERN          matches are replaced by *** before shipping                              none
          LOKI_LOG_LEVEL             the extension's own output: debug, info, warn, error                     info
          LOKI_FAIL_ON_CONFIG_ERROR  true: a configuration error fails the function's init                   false
        Secrets (LOKI_AUTH_TOKEN, LOKI_PASSWORD, LOKI_HEADERS values) are never printed.
        A missing or invalid value is reported in one line; the extension then runs without shipping, so the
        function is unaffected, unless LOKI_FAIL_ON_CONFIG_ERROR=true.
        """;
}
