using System.Collections;
using System.Reflection;
using LokiLambdaExtension.Shell;

if (args.Contains("--version"))
{
    Console.WriteLine($"loki-lambda-extension {Assembly.GetExecutingAssembly().GetName().Version?.ToString(3)}");
    return 0;
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("""
        loki-lambda-extension: an AWS Lambda extension that ships the function's logs and platform events to Grafana Loki.
        It runs from a Lambda layer as /opt/extensions/loki-lambda-extension. Configuration is environment variables:
          LOKI_PUSH_URL        Loki base URL, e.g. https://logs.example.com (required; /loki/api/v1/push is appended)
          LOKI_AUTH_TOKEN      sent as 'Authorization: Bearer <token>' (as is when it names a scheme, e.g. 'Basic ...')
          LOKI_EXTENSION_PORT  telemetry listener port (default 1234)
        """);
    return 0;
}

var environment = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
{
    environment[(string)variable.Key] = variable.Value as string ?? "";
}
using var stop = new CancellationTokenSource();
return await ExtensionHost.RunAsync(environment, stop.Token);
