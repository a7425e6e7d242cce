using Microsoft.Win32.SafeHandles;

namespace LokiLambdaExtension.Shell;

/// <summary>The core's randomness, from the kernel's source rather than a seeded generator: a seeded generator's state
/// is in memory, and every clone of a SnapStart snapshot would draw the same numbers after a restore (the same sandbox
/// discriminator, the same retry jitter); the kernel's source is drawn anew in each (Lambda's SnapStart guidance).
/// Read from <c>/dev/urandom</c> directly: .NET's RandomNumberGenerator goes through OpenSSL, whose loading cost 3 ms
/// of start-up and 3 MB of resident memory in a process that may never speak TLS.</summary>
internal static class ShellRandom
{
    private static readonly Lazy<SafeFileHandle?> Source = new(Open);

    /// <summary>A sandbox discriminator below the millisecond: uniform in [0, 1,000,000), the nanoseconds of one (what the
    /// core's observations take as their draw).</summary>
    public static long Discriminator() => (long)(Next() % 1_000_000UL);

    /// <summary>A uniform sample in [0, 1), for retry backoff.</summary>
    public static double Jitter() => (Next() >> 11) * (1.0 / (1UL << 53));

    private static ulong Next()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        if (Source.Value is { } source && RandomAccess.Read(source, bytes, 0) == bytes.Length)
        {
            return BitConverter.ToUInt64(bytes);
        }
        return (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue); // no /dev/urandom: not Lambda, no snapshot either
    }

    private static SafeFileHandle? Open()
    {
        try
        {
            return File.OpenHandle("/dev/urandom");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
