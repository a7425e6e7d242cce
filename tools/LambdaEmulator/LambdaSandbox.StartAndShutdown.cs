using System.Diagnostics;
using System.Net;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The sandbox's two ends: the emulator's own warm-up before the first extension starts, and SHUTDOWN.</summary>
public sealed partial class LambdaSandbox
{
    internal static readonly Lazy<Task> WarmedUp = new(WarmUpAsync);

    /// <summary>Starts the extension and waits for its init phase to end (its first <c>/event/next</c>).</summary>
    public static async Task<LambdaSandbox> StartAsync(SandboxOptions options)
    {
        await WarmedUp.Value;
        var sandbox = new LambdaSandbox(options);
        await sandbox.InitAsync();
        return sandbox;
    }

    /// <summary>Runs the emulator's own request path once (register, subscribe, next) and starts a trivial process, so
    /// that the timings of the first extension measure the extension, not the emulator's just-in-time compilation.</summary>
    private static async Task WarmUpAsync()
    {
        await using var sandbox = new LambdaSandbox(new SandboxOptions("/bin/true"));
        using var http = new HttpClient();
        string api = $"http://{sandbox.RuntimeApi}";
        using var register = new HttpRequestMessage(HttpMethod.Post, $"{api}/2020-01-01/extension/register")
        {
            Content = new StringContent("""{"events":["INVOKE","SHUTDOWN"]}"""),
        };
        register.Headers.Add("Lambda-Extension-Name", "true");
        using HttpResponseMessage registered = await http.SendAsync(register);
        string identifier = registered.Headers.GetValues("Lambda-Extension-Identifier").First();
        using var subscribe = new HttpRequestMessage(HttpMethod.Put, $"{api}/2022-07-01/telemetry")
        {
            Content = new StringContent("""{"schemaVersion":"2022-12-13","types":["platform"],"buffering":{"maxItems":1000,"maxBytes":262144,"timeoutMs":25},"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:1"}}"""),
        };
        subscribe.Headers.Add("Lambda-Extension-Identifier", identifier);
        (await http.SendAsync(subscribe)).Dispose();
        using var next = new HttpRequestMessage(HttpMethod.Get, $"{api}/2020-01-01/extension/event/next");
        next.Headers.Add("Lambda-Extension-Identifier", identifier);
        Task<HttpResponseMessage> answer = http.SendAsync(next);
        sandbox._api.RespondJson(await sandbox._api.NextCall, 200, """{"eventType":"SHUTDOWN","deadlineMs":0}""");
        (await answer).Dispose();
        using var trivial = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true, RedirectStandardError = true });
        await trivial!.WaitForExitAsync();
    }

    /// <summary>Sends SHUTDOWN and waits for the process to exit; SIGKILLs it at the deadline, as Lambda does.</summary>
    public async Task<ShutdownResult> ShutdownAsync(string reason = "spindown")
    {
        HttpListenerContext? next = null;
        Task<HttpListenerContext> nextCall = _api.NextCall;
        if (await Task.WhenAny(nextCall, Task.Delay(TimeSpan.FromSeconds(5))) == nextCall)
        {
            next = nextCall.Result;
        }
        Thaw();
        _process.SampleStats();
        DateTimeOffset started = DateTimeOffset.UtcNow;
        long deadlineMs = started.Add(_options.ShutdownDeadline).ToUnixTimeMilliseconds();
        if (next is not null)
        {
            _api.RespondJson(next, 200, $$"""{"eventType":"SHUTDOWN","shutdownReason":"{{reason}}","deadlineMs":{{deadlineMs}}}""");
        }
        bool killed = false;
        using (var deadline = new CancellationTokenSource(_options.ShutdownDeadline))
        {
            while (!_process.HasExited && !deadline.IsCancellationRequested)
            {
                _process.SampleStats();
                await Task.Delay(5);
            }
        }
        if (!_process.HasExited)
        {
            killed = true;
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        TimeSpan duration = DateTimeOffset.UtcNow - started;
        return new ShutdownResult(killed ? null : _process.ExitCode, killed, duration, _process.PeakRssKb, _process.CpuTime);
    }

}
