namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The emulator's own share of a start-up figure: from spawning a trivial native program (bash, sending one raw
/// HTTP request to the Extensions API) exactly as the extension is spawned, to that request's arrival. The bench
/// subtracts it from the extension's start to first <c>/event/next</c>, so the figure is the extension's alone and
/// moves less with the machine.</summary>
public static class SpawnBaseline
{
    private const string Script = """
        exec 3<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API#*:}"
        printf 'GET /2020-01-01/extension/event/next HTTP/1.1\r\nHost: %s\r\n\r\n' "$AWS_LAMBDA_RUNTIME_API" >&3
        read -r -t 2 answer <&3
        """;

    public static async Task<TimeSpan> MeasureAsync()
    {
        await LambdaSandbox.WarmedUp.Value;
        var errors = new List<string>();
        var options = new SandboxOptions("baseline") { Launcher = "/bin/bash", LauncherArguments = ["-c", Script] };
        await using var telemetry = new TelemetryPlatform(() => false, errors);
        await using var api = ExtensionsApiServer.Start(options, telemetry, errors);
        using var process = new ExtensionProcess(options, api.RuntimeApi, api.Role, _ => { });
        process.Start();
        Task finished = await Task.WhenAny(api.FirstRequest, Task.Delay(TimeSpan.FromSeconds(5)));
        process.Kill();
        await process.WaitForExitAsync();
        return finished == api.FirstRequest
            ? await api.FirstRequest - process.StartedAt
            : throw new InvalidOperationException("the baseline program sent no request within 5 s: is /bin/bash there?");
    }
}
