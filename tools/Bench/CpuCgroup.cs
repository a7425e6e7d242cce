using System.Globalization;

/// <summary>A CPU cgroup for one extension process, with a CFS quota of a share of one CPU, as Lambda gives a function
/// CPU in proportion to its memory, and the group's own CPU count (every thread, exited ones too, in nanoseconds).
/// cgroup v2's <c>cpu.max</c> and <c>cpu.stat</c> where the machine has v2, v1's <c>cpu.cfs_quota_us</c> and
/// <c>cpuacct.usage</c> otherwise. The extension joins it through a launcher (a shell that writes its own pid into the
/// group, then execs the binary), so nothing of the process runs outside it.</summary>
internal sealed class CpuCgroup : IDisposable
{
    private const string Root = "/sys/fs/cgroup";
    private const int PeriodUs = 100_000;
    private static int s_made;
    private readonly string[] _directories;
    private readonly Func<TimeSpan> _usage;

    private CpuCgroup(string[] directories, Func<TimeSpan> usage)
    {
        _directories = directories;
        _usage = usage;
    }

    /// <summary>Why no group can be made here, or null when one can (root, and a CPU controller mounted).</summary>
    public static string? WhyNot() =>
        !OperatingSystem.IsLinux() ? "not Linux"
        : Environment.UserName != "root" ? $"needs root to make a cgroup (running as {Environment.UserName})"
        : File.Exists($"{Root}/cgroup.controllers") && File.ReadAllText($"{Root}/cgroup.controllers").Contains("cpu", StringComparison.Ordinal) ? null
        : File.Exists($"{Root}/cpu/cpu.cfs_quota_us") && (File.Exists($"{Root}/cpu/cpuacct.usage") || File.Exists($"{Root}/cpuacct/cpuacct.usage")) ? null
        : $"no CPU controller under {Root} (neither v2's cpu.max nor v1's cpu and cpuacct)";

    /// <summary>A new group with <paramref name="percentOfOneCpu"/> of a CPU (null: no quota, counted only).</summary>
    public static CpuCgroup Create(double? percentOfOneCpu)
    {
        string name = $"loki-bench-{Environment.ProcessId}-{Interlocked.Increment(ref s_made)}";
        int? quotaUs = percentOfOneCpu is { } percent ? (int)Math.Round(PeriodUs * percent / 100) : null;
        if (File.Exists($"{Root}/cgroup.controllers"))
        {
            string group = Directory.CreateDirectory($"{Root}/{name}").FullName;
            File.WriteAllText($"{group}/cpu.max", $"{(quotaUs is { } q ? q.ToString(CultureInfo.InvariantCulture) : "max")} {PeriodUs}");
            return new CpuCgroup([group], () => TimeSpan.FromTicks(10 * long.Parse(StatField($"{group}/cpu.stat", "usage_usec"), CultureInfo.InvariantCulture)));
        }
        string cpu = Directory.CreateDirectory($"{Root}/cpu/{name}").FullName;
        File.WriteAllText($"{cpu}/cpu.cfs_period_us", PeriodUs.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText($"{cpu}/cpu.cfs_quota_us", (quotaUs ?? -1).ToString(CultureInfo.InvariantCulture));
        // cpu and cpuacct are one hierarchy on some machines (cpu,cpuacct), two on others.
        string accounting = File.Exists($"{cpu}/cpuacct.usage") ? cpu : Directory.CreateDirectory($"{Root}/cpuacct/{name}").FullName;
        string[] directories = accounting == cpu ? [cpu] : [cpu, accounting];
        return new CpuCgroup(directories, () => TimeSpan.FromTicks(long.Parse(File.ReadAllText($"{accounting}/cpuacct.usage").Trim(), CultureInfo.InvariantCulture) / 100));
    }

    /// <summary>The CPU the group's processes have used.</summary>
    public TimeSpan Usage() => _usage();

    /// <summary>The launcher that puts the extension in this group: the binary's path comes last, as <c>$0</c>.</summary>
    public (string Launcher, string[] Arguments) Launcher() =>
        ("/bin/sh", ["-c", string.Concat(_directories.Select(d => $"echo $$ > {d}/cgroup.procs && ")) + "exec \"$0\""]);

    /// <summary>Removes the group; its processes must have exited.</summary>
    public void Dispose()
    {
        foreach (string directory in _directories)
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                // A process still in it (killed, not yet reaped): the kernel keeps the group until it is gone.
            }
        }
    }

    private static string StatField(string file, string field) =>
        File.ReadLines(file).First(l => l.StartsWith(field + " ", StringComparison.Ordinal))[(field.Length + 1)..];
}
