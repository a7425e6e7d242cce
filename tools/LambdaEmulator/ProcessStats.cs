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
}
