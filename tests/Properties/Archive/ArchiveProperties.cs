using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary>The lifecycle with the S3 archive on, in the simulated world (Loki answering in every way, S3 refusing one
/// write in four, writes cut at their deadline): the archive follows the rules pushes follow, and every line is stored
/// in Loki, archived, or accounted for.</summary>
public sealed class ArchiveProperties
{
    private static readonly Arbitrary<ArchiveMode> Modes = Gen.Elements(ArchiveMode.Fallback, ArchiveMode.All).ToArbitrary();
    private static readonly Arbitrary<ExecutionModel> Models = Gen.Elements(ExecutionModel.OnDemand, ExecutionModel.ManagedInstances, ExecutionModel.SnapStart).ToArbitrary();

    [Property(MaxTest = 400)]
    public Property AnyRunWithTheArchive_KeepsTheRules_AndStoresOrArchivesEveryLineOrCountsIt() =>
        Prop.ForAll(LifecycleProperties.Runs, Modes, Models, (moves, mode, model) =>
        {
            string described = $"{mode} {model}: {LifecycleProperties.Describe(moves)}";
            var run = new LifecycleSimulation(LifecycleProperties.SmallBuffers, model, mode);
            run.Run(moves);

            Assert.True(run.Violations.Count == 0, $"run {described}: {string.Join("; ", run.Violations.Take(5))}");
            Assert.True(run.Exited, $"run {described}: never exited");
            var stored = run.Stored.ToHashSet();
            var held = run.HeldLines;
            int unaccounted = 0;
            for (int id = 1; id <= run.ReceivedLines; id++)
            {
                bool archivedInsteadOfLoki = run.ArchivedLines.ContainsKey(id) && !run.CopiedLines.Contains(id);
                unaccounted += stored.Contains(id) || archivedInsteadOfLoki || run.Settled.Contains(id) || held.Contains(id) || run.Filtered.Contains(id) ? 0 : 1;
                Assert.True(!archivedInsteadOfLoki || run.ArchivedLines[id] == 1, $"run {described}: line {id} archived {run.ArchivedLines.GetValueOrDefault(id)} times");
            }
            Assert.True(unaccounted <= run.State.Counters.Dropped, $"run {described}: {unaccounted} lines gone, {run.State.Counters.Dropped} counted dropped");
        });

    [Property(MaxTest = 300)]
    public Property AllModeWithS3Healthy_CopiesEveryLineLokiStored_ExactlyOnce() => Prop.ForAll(LifecycleProperties.Runs, moves =>
    {
        var run = new LifecycleSimulation(DeliveryPolicy.Default with { MaxBatchBytes = 200 }, archive: ArchiveMode.All)
        {
            LokiAlwaysStores = true, S3AlwaysStores = true,
        };
        run.Run(moves);

        Assert.Empty(run.Violations);
        Assert.True(run.Exited, LifecycleProperties.Describe(moves));
        Assert.Equal(0, run.State.Counters.NotArchived);
        // Every line Loki stored is copied once: all of them when no write was cut (at its deadline) and the exit came with
        // time left; lines archived otherwise (SHUTDOWN's push time ran out) are not in Loki.
        var copied = run.CopiedLines.Order().ToList();
        bool complete = run.ExitedBeforeDeadline && run.State.Counters.ArchiveFailures == 0;
        Assert.Equal(complete ? run.Stored.Order() : run.Stored.Where(run.CopiedLines.Contains).Order(), copied);
        Assert.All(run.ArchivedLines.Values, times => Assert.Equal(1, times));
        Assert.DoesNotContain(run.ArchivedLines.Keys, id => !run.CopiedLines.Contains(id) && run.Stored.Contains(id));
    });
}
