using LokiLambdaExtension.Core.Configuration;
using LokiLambdaExtension.Shell.LambdaApi;
using LokiLambdaExtension.Shell.Listener;
using LokiLambdaExtension.Shell.Loki;
using LokiLambdaExtension.Shell.Spool;

namespace LokiLambdaExtension.Shell;

/// <summary>Start-up: register, listen, subscribe, then hand over to the <see cref="DeliveryLoop"/>. When shipping
/// is off (a configuration problem), only the lifecycle is served, so the function is never affected.</summary>
internal static class ExtensionHost
{
    private const string TelemetryApiPath = "2022-07-01/telemetry";
    private const string LogsApiPath = "2020-08-15/logs";

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellation)
    {
        if (!environment.TryGetValue("AWS_LAMBDA_RUNTIME_API", out string? runtimeApi) || runtimeApi.Length == 0)
        {
            ExtensionLog.Error("AWS_LAMBDA_RUNTIME_API is not set: this binary runs as a Lambda extension " +
                               "(see --help; --check tests a Loki configuration)");
            return 2;
        }
        var (config, problems) = ConfigReader.Read(environment);
        ExtensionLog.Verbosity = config.Verbosity;
        foreach (string problem in problems)
        {
            ExtensionLog.Error(problem);
        }

        // No timeout: /event/next is a long poll that the freeze between invocations suspends.
        using var lambdaHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var lambda = new ExtensionsApiClient(lambdaHttp, runtimeApi);
        string name = Path.GetFileName(Environment.ProcessPath) ?? "loki-lambda-extension";
        try
        {
            await lambda.RegisterAsync(name, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
        {
            ExtensionLog.Error($"cannot register with the Extensions API at {runtimeApi}: {e.Message}");
            return 1;
        }

        if (!problems.IsEmpty && config.FailOnConfigError)
        {
            // Asked for: a configuration error fails the function's init, so a bad deploy is caught at once.
            await lambda.ReportInitErrorAsync("Extension.ConfigError", string.Join("; ", problems), cancellation);
            ExtensionLog.Error("LOKI_FAIL_ON_CONFIG_ERROR=true: reported the configuration error to Lambda (init fails)");
            return 1;
        }
        if (config.PushUri.Case is not Uri pushUri)
        {
            return await ServeLifecycleOnlyAsync(lambda, cancellation);
        }
        try
        {
            return await ShipAsync(lambda, config, pushUri, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // Whatever went wrong, the function must not pay for it: keep serving the lifecycle, ship nothing.
            ExtensionLog.Error($"shipping stopped after an unexpected error ({e.GetType().Name}: {e.Message}); " +
                               "the function is unaffected, logs are not shipped");
            return await ServeLifecycleOnlyAsync(lambda, cancellation);
        }
    }

    private static async Task<int> ShipAsync(ExtensionsApiClient lambda, ExtensionConfig config, Uri pushUri, CancellationToken cancellation)
    {
        using HttpClient lokiHttp = LokiHttp.Create();
        var loop = new DeliveryLoop(lambda, new LokiClient(lokiHttp, pushUri, config.Headers), new SpoolStore(config.SpoolDirectory), config);
        using var listener = TelemetryListener.Start(config.ListenerPort, ListenerLimits.For(config.Buffering.MaxBytes),
            loop.OnTelemetryBody, loop.OnRefusedRequest, ExtensionLog.Info);
        _ = listener.RunAsync(cancellation);

        if (!await SubscribeAsync(lambda, config, listener.Port, cancellation))
        {
            return await ServeLifecycleOnlyAsync(lambda, cancellation);
        }
        return await loop.RunAsync(cancellation);
    }

    /// <summary>The Telemetry API first; the Logs API (the original Go extension's) when the platform refuses it.</summary>
    private static async Task<bool> SubscribeAsync(ExtensionsApiClient lambda, ExtensionConfig config, int port, CancellationToken cancellation)
    {
        var telemetry = new SubscriptionRequest("2022-12-13", [.. config.TelemetryTypes], config.Buffering.MaxItems,
            config.Buffering.MaxBytes, config.Buffering.TimeoutMs, $"http://sandbox.localdomain:{port}");
        var (accepted, answer) = await lambda.SubscribeAsync(TelemetryApiPath, telemetry, cancellation);
        if (accepted)
        {
            return true;
        }
        ExtensionLog.Info($"Telemetry API subscription refused ({answer}); subscribing to the Logs API instead");
        (accepted, answer) = await lambda.SubscribeAsync(LogsApiPath, telemetry with { SchemaVersion = null }, cancellation);
        if (!accepted)
        {
            ExtensionLog.Error($"Logs API subscription refused too ({answer}); nothing will be shipped");
        }
        return accepted;
    }

    private static async Task<int> ServeLifecycleOnlyAsync(ExtensionsApiClient lambda, CancellationToken cancellation)
    {
        try
        {
            while ((await lambda.NextAsync(cancellation)).EventType == "INVOKE")
            {
            }
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
        {
            ExtensionLog.Error($"event/next failed: {e.Message}");
            return 1;
        }
    }
}
