using System.Diagnostics;
using System.Text;

namespace LokiLambdaExtension.Tools.S3Store;

/// <summary>A server of tools/node started for a test and stopped with it: it is up once it prints that it listens,
/// and takes its faults and gives its figures on control paths (<c>/__…</c>) beside the service's.</summary>
public abstract class NodeFront : IAsyncDisposable
{
    protected static readonly HttpClient Control = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;

    protected NodeFront(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>Where the service answers.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts <paramref name="script"/> on a free port and waits until it listens.</summary>
    protected static async Task<(Process Process, Uri Endpoint)> StartAsync(string script, params string[] arguments)
    {
        int port = LoopbackPorts.Any();
        Process process = await NodeTools.StartAsync(script, ["--port", port.ToString(), .. arguments]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"node {script} did not start: {await process.StandardError.ReadToEndAsync()}");
            }
            if (line.Contains("listening", StringComparison.Ordinal))
            {
                return (process, new Uri($"http://127.0.0.1:{port}"));
            }
        }
    }

    protected async Task PostControlAsync(string path, string json) =>
        (await Control.PostAsync(new Uri(Endpoint, path), new StringContent(json, Encoding.UTF8))).EnsureSuccessStatusCode();

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        GC.SuppressFinalize(this);
    }
}
