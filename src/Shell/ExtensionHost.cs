using LokiLambdaExtension.Shell.Archive;
using LokiLambdaExtension.Shell.LambdaApi;
using LokiLambdaExtension.Shell.Listener;
using LokiLambdaExtension.Shell.Loki;
using LokiLambdaExtension.Shell.Spool;

namespace LokiLambdaExtension.Shell;

/// <summary>Start-up: register, listen, subscribe, then hand over to the <see cref="DeliveryLoop"/>. When shipping
/// is off (a configuration problem, a refused subscription), the loop serves the lifecycle alone, so the function is never affected.</summary>
internal static class ExtensionHost
{
    /// <summary>Runs on the main thread to the end: the calls of init are waited for here (their answers come on a socket's
    /// thread), and the <see cref="DeliveryLoop"/> then keeps its timer and deadlines on this thread.</summary>
    public static int Run(IReadOnlyDictionary<string, string> environment)
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
        foreach (string note in config.Notes)
        {
            ExtensionLog.Warn(note);
        }

        using var lambda = new ExtensionsApiClient(runtimeApi);
        string name = Path.GetFileName(Environment.ProcessPath) ?? "loki-lambda-extension";
        try
        {
            lambda.RegisterAsync(name, config.RegisteredEvents).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or System.Text.Json.JsonException)
        {
            ExtensionLog.Error($"cannot register with the Extensions API at {runtimeApi}: {e.Message}");
            return 1;
        }

        if (!problems.IsEmpty && config.FailOnConfigError)
        {
            // Asked for: a configuration error fails the function's init, so a bad deploy is caught at once.
            lambda.ReportInitErrorAsync("Extension.ConfigError", string.Join("; ", problems)).GetAwaiter().GetResult();
            ExtensionLog.Error($"{ConfigValues.Names.FailOnConfigError}=true: reported the configuration error to Lambda (init fails)");
            return 1;
        }
        // Shipping off (no URL, a mask that does not compile) is a mode of the same lifecycle, not a loop of its own.
        // No headers of its own: every push carries the core's (built from secrets read from AWS, which can change).
        using LokiClient? loki = config.PushUri.Case is Uri pushUri ? new LokiClient(pushUri, []) : null;
        using S3Client? archive = loki is not null && config.Archive.Case is ArchiveTarget target ? new S3Client(target) : null;
        // One keeper of everything timed, on the main thread: the core's timer, the deadlines of pushes and fetches, and
        // the listener's (no runtime timer for any of them, so no timer thread in the steady state).
        var inbox = new LoopInbox();
        var loop = new DeliveryLoop(inbox, lambda, loki, archive, new SpoolStore(config.SpoolDirectory, config.MaxBufferBytes), config);
        using TelemetryListener? listener = loki is null ? null : Listen(lambda, config, loop, inbox);
        return loop.Run();
    }

    /// <summary>Listens and subscribes; when either fails, the loop hears that shipping stopped, and the function
    /// goes on unaffected.</summary>
    private static TelemetryListener? Listen(ExtensionsApiClient lambda, ExtensionConfig config, DeliveryLoop loop, LoopInbox deadlines)
    {
        TelemetryListener? listener = null;
        try
        {
            listener = TelemetryListener.Start(config.ListenerPort, ListenerLimits.For(config.MaxDeliveryBytes), deadlines,
                loop.OnTelemetryBody, loop.OnRefusedRequest, ExtensionLog.Warn);
            _ = listener.RunAsync();
            if (SubscribeAsync(lambda, config, listener.Port).GetAwaiter().GetResult() is string refused)
            {
                loop.Observe(Observations.ShippingStopped(ShellClock.NowMs, refused));
            }
        }
        catch (Exception e)
        {
            loop.Observe(Observations.ShippingStopped(ShellClock.NowMs, $"shipping stopped after an unexpected error ({e.GetType().Name}: {e.Message})"));
        }
        return listener;
    }

    /// <summary>Sends the subscriptions the core chooses (<see cref="SubscriptionAttempt"/>), each after the one before
    /// was refused. Null when subscribed, else why not.</summary>
    private static async Task<string?> SubscribeAsync(ExtensionsApiClient lambda, ExtensionConfig config, int port)
    {
        SubscriptionAttempt attempt = SubscriptionAttempt.First(config, port);
        while (true)
        {
            var request = new SubscriptionRequest(attempt.Schema, [.. attempt.Types], attempt.MaxItems, attempt.MaxBytes, attempt.TimeoutMs,
                attempt.Destination);
            var (accepted, answer) = await lambda.SubscribeAsync(attempt.Path, request);
            if (accepted)
            {
                if (attempt.AcceptedNote is { } note)
                {
                    ExtensionLog.Info(note);
                }
                return null;
            }
            (SubscriptionAttempt? next, string? gaveUp) = attempt.Refused(answer);
            if (next is null)
            {
                return gaveUp;
            }
            attempt = next;
        }
    }
}
