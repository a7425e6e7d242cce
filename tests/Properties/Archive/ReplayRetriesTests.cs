using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary><c>replay</c>'s retries are the core's: the first try waits for nothing, a later one within the delivery
/// policy's doubling ceiling (or as long as Loki's <c>Retry-After</c> asks, up to the policy's largest), and only an
/// outcome that may pass another time is tried again.</summary>
public sealed class ReplayRetriesTests
{
    [Property(MaxTest = 300)]
    public Property TheWait_IsTheDeliveryPolicysBackoff() => Prop.ForAll(
        Gen.Choose(0, ArchiveReplay.Attempts - 1).ToArbitrary(), Gen.Choose(0, 1000).Select(n => n / 1000.0).ToArbitrary(),
        Gen.OneOf(Gen.Constant((long?)null), Gen.Choose(0, 120_000).Select(n => (long?)n)).ToArbitrary(), (attempt, jitter, retryAfter) =>
        {
            long wait = ArchiveReplay.WaitBeforeMs(attempt, jitter, retryAfter);
            DeliveryPolicy policy = DeliveryPolicy.Default;
            long ceiling = Math.Min(policy.BackoffMaxMs, policy.BackoffBaseMs << attempt);
            if (attempt == 0)
            {
                Assert.Equal(0, wait);
                return;
            }
            Assert.InRange(wait, 0, Math.Max(ceiling, Math.Min(retryAfter ?? 0, policy.BackoffMaxMs)));
            Assert.True(wait >= Math.Min(retryAfter ?? 0, policy.BackoffMaxMs));
        });

    [Fact]
    public void OnlyWhatMayPassAnotherTime_IsTriedAgain()
    {
        Assert.True(ArchiveReplay.TriesAgain(new PushOutcome.Retryable("503", null, MayHaveBeenStored: false)));
        Assert.False(ArchiveReplay.TriesAgain(new PushOutcome.Rejected(400, "bad")));
        Assert.False(ArchiveReplay.TriesAgain(new PushOutcome.Blocked("blocked")));
        Assert.False(ArchiveReplay.TriesAgain(new PushOutcome.Delivered()));
    }
}
