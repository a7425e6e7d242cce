namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>Reads a live process's peak memory and CPU time from /proc.</summary>
internal static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>VmHWM, the peak resident set size, in KiB; 0 when the process is gone.</summary>
    public static long PeakRssKb(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>User plus system CPU time; zero when the process is gone.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
            long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>CPU time of the live threads, from the scheduler's own per-thread accounting (nanoseconds, not ticks):
    /// a thread that has exited is not counted, so a cgroup's <c>cpuacct.usage</c> is the better reading where one is made.</summary>
    public static TimeSpan ThreadCpu(int pid) =>
        TimeSpan.FromTicks(SumOverThreads(pid, "schedstat", text => long.Parse(text.AsSpan(0, text.IndexOf(' '))) / 100));

    /// <summary>Minor page faults of the whole process (every thread, exited ones too); 0 when it is gone.</summary>
    public static long MinorFaults(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Field 10 of stat (minflt) is the 8th after the command name.
            return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Context switches of the live threads, voluntary and not.</summary>
    public static long ContextSwitches(int pid) => SumOverThreads(pid, "status", text =>
        text.Split('\n').Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.IndexOf(':') + 1)..].Trim())));

    private static long SumOverThreads(int pid, string file, Func<string, long> read)
    {
        long sum = 0;
        try
        {
            foreach (string thread in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    sum += read(File.ReadAllText(Path.Combine(thread, file)));
                }
                catch (IOException)
                {
                    // The thread exited between the listing and the read.
                }
            }
        }
        catch (IOException)
        {
        }
        return sum;
    }
}
