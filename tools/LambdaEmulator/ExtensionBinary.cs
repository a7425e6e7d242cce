using System.Diagnostics;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>Finds the AOT-published extension binary, publishing it first when it is missing or older than the
/// sources. Tests, the local sandbox and the bench all run the real binary, never the managed build.</summary>
public static class ExtensionBinary
{
    public const string Name = "loki-lambda-extension";

    /// <summary>The binary to run: <c>LOKI_EXTENSION_BINARY</c> when set (e.g. an arm64 build), else the x86_64
    /// publish output under artifacts/, rebuilt when stale.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("LOKI_EXTENSION_BINARY") is { Length: > 0 } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"LOKI_EXTENSION_BINARY={given} does not exist");
        }
        string root = RepositoryRoot();
        string output = Path.Combine(root, "artifacts", "publish", "linux-x64");
        string binary = Path.Combine(output, Name);
        using FileStream publishLock = AcquireLock(Path.Combine(root, "artifacts", ".publish.lock"));
        if (!File.Exists(binary) || File.GetLastWriteTimeUtc(binary) < NewestSource(root))
        {
            Publish(root, output);
        }
        return binary;
    }

    /// <summary>The program that runs the binary, from <c>LOKI_EXTENSION_LAUNCHER</c> (e.g.
    /// <c>qemu-aarch64-static -L /usr/aarch64-linux-gnu</c> for an arm64 build): program and arguments, or null.</summary>
    public static (string Program, string[] Arguments)? Launcher() =>
        Environment.GetEnvironmentVariable("LOKI_EXTENSION_LAUNCHER")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var program, .. var arguments]
            ? (program, arguments)
            : null;

    /// <summary>Options to run the located binary (through its launcher, if any) with these variables.</summary>
    public static SandboxOptions Options(string binary, IReadOnlyDictionary<string, string> environment) =>
        Launcher() is var (program, arguments)
            ? new SandboxOptions(binary) { Environment = environment, Launcher = program, LauncherArguments = arguments }
            : new SandboxOptions(binary) { Environment = environment };

    /// <summary>Runs the binary as a command (e.g. <c>--check</c>) with exactly these variables, and returns its exit
    /// code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string binary, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var (exitCode, output, _) = await RunMeasuredAsync(binary, arguments, environment, timeout);
        return (exitCode, output);
    }

    /// <summary>As <see cref="RunAsync"/>, with the process's peak resident set (VmHWM, read every 10 ms until it
    /// exits; the launcher's, under one).</summary>
    public static async Task<(int ExitCode, string Output, long PeakRssKb)> RunMeasuredAsync(string binary, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Launcher() is var (program, launcherArguments))
        {
            info.FileName = program;
            foreach (string argument in launcherArguments.Append(binary))
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = binary;
        }
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        Task exited = process.WaitForExitAsync(deadline.Token);
        long peakRssKb = 0;
        while (!exited.IsCompleted)
        {
            peakRssKb = Math.Max(peakRssKb, ProcessStats.PeakRssKb(process.Id));
            await Task.WhenAny(exited, Task.Delay(10));
        }
        await exited;
        return (process.ExitCode, await stdout + await stderr, peakRssKb);
    }

    public static string RepositoryRoot()
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

    private static DateTime NewestSource(string root) =>
        new[] { "src/Core", "src/Shell" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(file => !file.Contains("/obj/") && !file.Contains("/bin/"))
            .Append(Path.Combine(root, "Directory.Build.props"))
            .Append(Path.Combine(root, "Directory.Packages.props"))
            .Max(File.GetLastWriteTimeUtc);

    private static void Publish(string root, string output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(root, "src", "Shell", "Shell.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    /// <summary>Test assemblies run in parallel: one publish at a time.</summary>
    private static FileStream AcquireLock(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 3000)
            {
                Thread.Sleep(100);
            }
        }
    }
}
