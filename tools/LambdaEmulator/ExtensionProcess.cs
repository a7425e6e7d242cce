using System.Diagnostics;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The extension's process as Lambda controls it: started with the function's environment, its output
/// collected, frozen (SIGSTOP) and thawed, its memory and CPU sampled, SIGKILLed at a deadline.</summary>
internal sealed class ExtensionProcess(SandboxOptions options, string runtimeApi, RoleCredentials role, Action<string> onOutput) : IDisposable
{
    private readonly Process _process = new() { StartInfo = StartInfo(options, runtimeApi, role) };
    private readonly List<string> _output = [];
    private long _peakRssKb;
    private TimeSpan _cpuTime;

    public DateTimeOffset StartedAt { get; private set; }

    public bool HasStarted => StartedAt != default;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Output { get { lock (_output) { return [.. _output]; } } }

    public long PeakRssKb => _peakRssKb;

    public TimeSpan CpuTime => _cpuTime;

    public void Start()
    {
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        StartedAt = DateTimeOffset.UtcNow;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public void Freeze()
    {
        if (!_process.HasExited)
        {
            Signals.Freeze(_process.Id);
        }
    }

    public void Thaw()
    {
        if (!_process.HasExited)
        {
            Signals.Thaw(_process.Id);
        }
    }

    public void Kill()
    {
        if (HasStarted && !_process.HasExited)
        {
            Signals.Thaw(_process.Id);
            Signals.KillNow(_process.Id);
        }
    }

    public void SampleStats()
    {
        if (_process.HasExited)
        {
            return;
        }
        _peakRssKb = Math.Max(_peakRssKb, ProcessStats.PeakRssKb(_process.Id));
        TimeSpan cpu = ProcessStats.CpuTime(_process.Id);
        _cpuTime = cpu > _cpuTime ? cpu : _cpuTime;
    }

    /// <summary>CPU used so far: the cgroup's count where the options name one, else the live threads'.</summary>
    public TimeSpan CpuNow() => options.CpuMeter is { } meter ? meter()
        : !HasStarted || _process.HasExited ? TimeSpan.Zero : ProcessStats.ThreadCpu(_process.Id);

    /// <summary>Context switches so far, of the live threads.</summary>
    public long ContextSwitchesNow() => !HasStarted || _process.HasExited ? 0 : ProcessStats.ContextSwitches(_process.Id);

    /// <summary>Minor page faults so far (a page first touched, or shared one written).</summary>
    public long PageFaultsNow() => !HasStarted || _process.HasExited ? 0 : ProcessStats.MinorFaults(_process.Id);

    public void Dispose() => _process.Dispose();

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        onOutput(line);
    }

    private static ProcessStartInfo StartInfo(SandboxOptions options, string runtimeApi, RoleCredentials role)
    {
        var info = new ProcessStartInfo
        {
            FileName = options.Launcher ?? options.ExtensionPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (options.Launcher is not null)
        {
            foreach (string argument in options.LauncherArguments)
            {
                info.ArgumentList.Add(argument);
            }
            info.ArgumentList.Add(options.ExtensionPath);
        }
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        info.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        info.Environment["AWS_LAMBDA_FUNCTION_NAME"] = options.FunctionName;
        info.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = options.FunctionVersion;
        info.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = options.MemorySizeMb.ToString();
        if (options.Model != EmulatedModel.SnapStart)
        {
            // SnapStart sets no log stream variables: a snapshot's clones each get a stream of their own later.
            info.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = options.LogStreamName;
            info.Environment["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{options.FunctionName}";
        }
        info.Environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = options.Model.InitializationType();
        info.Environment["AWS_REGION"] = options.Region;
        info.Environment["AWS_DEFAULT_REGION"] = options.Region;
        info.Environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_nodejs22.x";
        info.Environment["LAMBDA_TASK_ROOT"] = "/var/task";
        info.Environment["TZ"] = ":UTC";
        RoleCredentials.Issued keys = role.Current();
        info.Environment["AWS_ACCESS_KEY_ID"] = keys.AccessKeyId;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = keys.SecretAccessKey;
        info.Environment["AWS_SESSION_TOKEN"] = keys.Token;
        foreach (var (name, value) in options.Environment)
        {
            info.Environment[name] = value;
        }
        if (options.Model == EmulatedModel.SnapStart)
        {
            // An environment initialised for a snapshot gets no keys, whatever the function's configuration says: every
            // clone would share them. It asks the endpoint instead (AWS's RIE, rapidcore/env).
            foreach (string name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" })
            {
                info.Environment.Remove(name);
            }
            info.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = $"http://{runtimeApi}{RoleCredentials.EndpointPath}";
            info.Environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = role.AuthorizationToken;
        }
        return info;
    }
}
