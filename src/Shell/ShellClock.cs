using System.Diagnostics;

namespace LokiLambdaExtension.Shell;

/// <summary>The core's time: Unix milliseconds read once at start, then moved on by a monotonic clock, so a wall-clock
/// step (NTP) never makes a deadline come early or a backoff last for ever. Entry timestamps use wall time instead.</summary>
internal static class ShellClock
{
    private static readonly long StartUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();

    public static long NowMs => StartUnixMs + (long)Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds;

    /// <summary>Wall time, for the time of a record that carries none.</summary>
    public static long WallUnixNanos => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
}
