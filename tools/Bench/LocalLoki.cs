using System.Diagnostics;
using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>The real Loki a bench section runs against: the one its variable names (<c>LOKI_TEST_URL</c>,
/// <c>LOKI_TEST_TIGHT_URL</c>), else one started here from ../shared/loki with the given flags, and stopped after.</summary>
internal sealed class LocalLoki : IAsyncDisposable
{
    private readonly string? _startedIn;

    private LocalLoki(Uri url, string? startedIn)
    {
        Url = url;
        _startedIn = startedIn;
    }

    public Uri Url { get; }

    public RealLoki Query => new(Url);

    public static async Task<LocalLoki> StartAsync(string variable, string flags)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
        {
            return new LocalLoki(new Uri(given), null);
        }
        string scripts = Path.GetFullPath(Path.Combine(ExtensionBinary.RepositoryRoot(), "..", "shared", "loki"));
        string dir = Path.Combine(Path.GetTempPath(), $"bench-loki-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo(Path.Combine(scripts, "start-loki")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "--port", LoopbackPort.FreeWith(6000).ToString(), "--dir", dir, "--" }.Concat(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            info.ArgumentList.Add(argument);
        }
        using Process start = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {info.FileName}");
        string output = await start.StandardOutput.ReadToEndAsync();
        string errors = await start.StandardError.ReadToEndAsync();
        await start.WaitForExitAsync();
        string? url = output.Split('\n').FirstOrDefault(l => l.StartsWith("LOKI_URL=", StringComparison.Ordinal))?["LOKI_URL=".Length..].Trim();
        if (start.ExitCode != 0 || url is null)
        {
            throw new InvalidOperationException($"{info.FileName} failed ({start.ExitCode}): {errors} — or set {variable} to a Loki");
        }
        return new LocalLoki(new Uri(url), dir);
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedIn is not null)
        {
            string stop = Path.GetFullPath(Path.Combine(ExtensionBinary.RepositoryRoot(), "..", "shared", "loki", "stop-loki"));
            using Process? stopping = Process.Start(new ProcessStartInfo(stop, ["--dir", _startedIn]) { RedirectStandardOutput = true });
            await (stopping?.WaitForExitAsync() ?? Task.CompletedTask);
        }
    }
}
