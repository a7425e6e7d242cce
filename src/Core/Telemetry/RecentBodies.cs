using System.Collections.Immutable;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The digests of the bodies delivered lately. The platform delivers a body again when it got no answer in
/// time (a timeout, a reset), even if the first copy had been read whole: that copy is recognised here and not
/// shipped twice. Records are stamped to the millisecond and batched by the platform, so two different deliveries
/// with the same bytes do not happen; the same records in two different batches make two different bodies.</summary>
internal sealed record RecentBodies(ImmutableArray<(BodyDigest Digest, long AtMs)> Seen)
{
    /// <summary>How long a body is remembered: the platform's timeout and retries fit well inside it.</summary>
    public const long WindowMs = 60_000;

    /// <summary>At most this many: the platform retries one delivery at a time.</summary>
    public const int Kept = 32;

    public static RecentBodies None { get; } = new(ImmutableArray<(BodyDigest, long)>.Empty);

    /// <summary>Whether <paramref name="digest"/> is a body seen within the window, and the digests remembered after it.</summary>
    public (bool Again, RecentBodies Recent) Admit(BodyDigest digest, long nowMs)
    {
        var kept = ImmutableArray.CreateBuilder<(BodyDigest, long)>(Kept);
        bool again = false;
        foreach (var (seen, at) in Seen)
        {
            again |= seen == digest && nowMs - at <= WindowMs;
            if (nowMs - at <= WindowMs && kept.Count < Kept - 1)
            {
                kept.Add((seen, at));
            }
        }
        if (again)
        {
            return (true, this);
        }
        kept.Insert(0, (digest, nowMs));
        return (false, new RecentBodies(kept.ToImmutable()));
    }
}
