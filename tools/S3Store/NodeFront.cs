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

    /// <summary>How many free ports are tried: a port found free can be taken by another test's server before node
    /// binds it (CI once lost a run to that race).</summary>
    private const int PortAttempts = 5;

    /// <summary>Starts <paramref name="script"/> on a free port and waits until it listens; on a port taken meanwhile,
    /// on another.</summary>
    protected static async Task<(Process Process, Uri Endpoint)> StartAsync(string script, params string[] arguments)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = LoopbackPorts.Any();
            Process process = await NodeTools.StartAsync(script, ["--port", port.ToString(), .. arguments]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null
                   && !line.Contains("listening", StringComparison.Ordinal))
            {
            }
            if (line is not null)
            {
                return (process, new Uri($"http://127.0.0.1:{port}"));
            }
            string error = await process.StandardError.ReadToEndAsync();
            process.Dispose();
            if (!error.Contains("EADDRINUSE", StringComparison.Ordinal) || attempt == PortAttempts)
            {
                throw new InvalidOperationException($"node {script} did not start: {error}");
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
