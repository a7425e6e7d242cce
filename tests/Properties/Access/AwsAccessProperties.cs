using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties.Access;

/// <summary>The core's decisions about credentials and secrets in generated worlds (<see cref="AccessWorld"/>): expiries
/// of any length, restores, late and failing endpoints, refusals, rotations.</summary>
public sealed class AwsAccessProperties
{
    /// <summary>Nothing is signed with credentials the core knew had expired, or with the snapshot's after a restore; no
    /// fetch may outlast the flush budget of the invocation it runs in; <c>/event/next</c> never waits on a fetch; no push
    /// goes out without the token; and the lifecycle ends.</summary>
    [Property(MaxTest = 300)]
    public void AnyWorld_KeepsTheRules(int seed, bool snapStart)
    {
        AccessWorld world = new AccessWorld(seed, snapStart).Run();
        Assert.True(world.Violations.Count == 0, $"seed {seed}, SnapStart {snapStart}: {string.Join("; ", world.Violations.Take(5))}");
    }

    /// <summary>The worlds are not idle: they fetch credentials and secrets, write objects and push.</summary>
    [Fact]
    public void TheWorlds_ExerciseEveryDecision()
    {
        var worlds = Enumerable.Range(0, 50).Select(seed => new AccessWorld(seed, seed % 2 == 0).Run()).ToList();
        Assert.All(worlds, w => Assert.True(w.CredentialsFetches > 0 && w.SecretsFetches > 0));
        Assert.True(worlds.Sum(w => w.ArchiveWrites) > 50, "archive writes");
        Assert.True(worlds.Sum(w => w.Pushes) > 100, "pushes");
        Assert.True(worlds.Count(w => w.SecretsFetches > 1) > 10, "secrets read again (restores, rotations)");
    }
}
