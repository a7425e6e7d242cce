using System.Security.Cryptography;

namespace LokiLambdaExtension.Shell;

/// <summary>The core's randomness, from the operating system's source rather than a seeded generator: a seeded
/// generator's state is in memory, and every clone of a SnapStart snapshot would draw the same numbers after a
/// restore (the same sandbox discriminator, the same retry jitter). The kernel's source is drawn anew in each.</summary>
internal static class ShellRandom
{
    /// <summary>A sandbox discriminator, uniform in [0, 1,000,000) (see <see cref="EntryStamps"/>).</summary>
    public static long Discriminator() => RandomNumberGenerator.GetInt32((int)EntryStamps.NanosPerMillisecond);

    /// <summary>A uniform sample in [0, 1), for retry backoff.</summary>
    public static double Jitter() => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}
