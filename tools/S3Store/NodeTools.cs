using System.Diagnostics;

namespace LokiLambdaExtension.Tools.S3Store;

/// <summary>Runs the scripts and servers of <c>tools/node</c>. Their packages are installed once, with <c>npm ci</c>
/// from the committed lock file, the first time a test needs them (CI installs Node; a machine without it fails
/// the test loudly, never skips it).</summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "tools", "node");

    /// <summary>Installs the packages if they are missing (under a lock file, as test assemblies run in parallel).</summary>
    public static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync();
        try
        {
            string marker = Path.Combine(Directory, "node_modules", ".package-lock.json");
            if (File.Exists(marker))
            {
                return;
            }
            using var lockFile = await LockAsync(Path.Combine(Directory, ".npm-ci.lock"));
            if (File.Exists(marker))
            {
                return;
            }
            var (exit, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], stdin: null, TimeSpan.FromMinutes(5));
            if (exit != 0 || !File.Exists(marker))
            {
                throw new InvalidOperationException($"npm ci in {Directory} failed ({exit}): {output}");
            }
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>Runs a script of tools/node with <paramref name="stdin"/>; its standard output, or an exception
    /// carrying its standard error.</summary>
    public static async Task<string> ScriptAsync(string script, IReadOnlyList<string> arguments, string? stdin = null)
    {
        await EnsureInstalledAsync();
        var (exit, output) = await RunAsync("node", [Path.Combine(Directory, script), .. arguments], stdin, TimeSpan.FromMinutes(2));
        return exit == 0 ? output : throw new InvalidOperationException($"node {script} failed ({exit}): {output}");
    }

    /// <summary>Starts a long-running Node process (a server); the caller stops it.</summary>
    public static async Task<Process> StartAsync(string script, IReadOnlyList<string> arguments)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        start.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"node {script} did not start");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, WorkingDirectory = Directory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, process.ExitCode == 0 ? await output : await errors + await output);
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Extension.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Extension.sln above {AppContext.BaseDirectory}");
    }
}
