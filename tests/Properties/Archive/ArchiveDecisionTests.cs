using System.Collections.Immutable;
using LanguageExt;

namespace LokiLambdaExtension.Properties.Archive;

/// <summary>The archive's decisions, step by step: what goes there at SHUTDOWN, from shedding and as copies, and when.</summary>
public sealed class ArchiveDecisionTests
{
    private const long At = 1_795_000_000_000;

    private static LifecycleSettings Settings(ArchiveMode mode, DeliveryPolicy? policy = null, ExecutionModel model = ExecutionModel.OnDemand) =>
        LifecycleSettings.For(policy ?? DeliveryPolicy.Default, model: model) with
    {
        Archive = new ArchiveTarget(new ArchiveLocation("log-archive", "lambda"), mode, Prelude.None, "eu-west-1", "orders-api"),
        AccessOrNone = AccessSettings.None with { Credentials = new CredentialSource.EnvironmentKeys(new AwsCredentials("AKID", "secret", null)) },
    };

    private static TelemetryRecord Line(string text, long atMs = At) =>
        new(atMs * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From(text), null, RecordFields.None);

    private static TelemetryRecord RuntimeDone(string requestId, long atMs) =>
        new(atMs * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null, Utf8Line.From("{}"), new RecordFields { RequestId = requestId, Status = "success" });

    /// <summary>Plays the shell until the exit: Loki answers every push 503, S3 stores every object, the spool reads back
    /// what <paramref name="disk"/> holds, timers fire when due. Returns the objects written and the exit's summary.</summary>
    private static (List<ArchiveStarted> Objects, string Summary, List<Decision> Seen) PlayShutdown(LifecycleSettings settings, ExtensionState state,
        Seq<Decision> first, Dictionary<long, ImmutableArray<LogEntry>> disk)
    {
        var objects = new List<ArchiveStarted>();
        var seen = new List<Decision>();
        var pending = new Queue<Decision>(first);
        long now = state.NowMs;
        for (int guard = 0; guard < 1000; guard++)
        {
            if (!pending.TryDequeue(out Decision? decision))
            {
                long at = state.TimerAtMs.IfNone(() => throw new Xunit.Sdk.XunitException($"stuck in {state.Phase}"));
                now = Math.Max(now, at);
                (state, var fired) = Lifecycle.Step(settings, state, new TimerFired(now));
                fired.Iter(pending.Enqueue);
                continue;
            }
            seen.Add(decision);
            Seq<Decision> next = default;
            now += 5;
            switch (decision)
            {
                case ExitRequested exit:
                    return (objects, exit.Summary, seen);
                case PushStarted push:
                    (state, next) = Lifecycle.Step(settings, state, new PushFinished(now, push.Batch.Id, new PushOutcome.Retryable("HTTP 503", null, false), 0.5));
                    break;
                case ArchiveStarted write:
                    Assert.True(write.NotAfterMs <= ((Phase.ShuttingDown)state.Phase).ExitByMs);
                    objects.Add(write);
                    (state, next) = Lifecycle.Step(settings, state, new ArchiveFinished(now, write.ObjectId, null, 0.5));
                    break;
                case SpoolLoadStarted load:
                    (state, next) = Lifecycle.Step(settings, state, new SpoolLoaded(now, load.File.Id, disk[load.File.Id], null));
                    break;
            }
            next.Iter(pending.Enqueue);
        }
        throw new Xunit.Sdk.XunitException("no exit");
    }

    [Fact]
    public void LokiDownAtShutdown_MemoryAndTheSpoolGoToTheArchive_WithAReportInTheObject_AndNothingIsUnsent()
    {
        var settings = Settings(ArchiveMode.Fallback, DeliveryPolicy.Default with { MaxBufferBytes = 1600 });
        var state = Lifecycle.Step(settings, ExtensionState.Initial(settings.Policy), new Initialized(At)).State;
        state = Lifecycle.Step(settings, state, new TelemetryReceived(At + 1, [.. Enumerable.Range(1, 8).Select(n => Line($"in memory {n}")).ToArray()])).State;
        // A file an earlier process spilled, too big to read back while memory holds these lines.
        ImmutableArray<LogEntry> spooled = [.. Enumerable.Range(1, 4).Select(n => new LogEntry(At * 1_000_000 - 1000 + n, $"spooled {n} {new string('x', 80)}", StreamKind.Function))];
        var file = new SpoolFile(7, spooled.Length, spooled.Sum(e => (long)e.ApproximateBytes));
        (state, var afterFound) = Lifecycle.Step(settings, state, new SpoolFound(At + 2, Prelude.Seq1(file)));
        Assert.DoesNotContain(afterFound, d => d is SpoolLoadStarted);
        state = state with { Phase = new Phase.AwaitingEvent() };

        var (shutdown, first) = Lifecycle.Step(settings, state, new ShutdownReceived(At + 100, At + 2100, "spindown"));
        var (objects, summary, seen) = PlayShutdown(settings, shutdown, first, new() { [7] = spooled });

        var archived = objects.SelectMany(o => o.Entries).Select(e => e.Line.ToString()).ToList();
        foreach (string line in Enumerable.Range(1, 8).Select(n => $"in memory {n}").Concat(Enumerable.Range(1, 4).Select(n => $"spooled {n} ")))
        {
            Assert.Single(archived, a => a.StartsWith(line, StringComparison.Ordinal));
        }
        Assert.All(objects, o => Assert.Equal(ArchiveSource.Buffer, o.Source));
        LogEntry report = Assert.Single(objects[0].Report.ToList());
        Assert.Contains(report.Metadata.Span.ToArray(), p => p is { Name: "cause", Value: "archived" });
        Assert.Contains("archived to s3://log-archive/lambda", report.Line.ToString());
        Assert.Contains("unsent=0", summary);
        Assert.Contains("archived=12", summary);
        Assert.Contains(seen, d => d is PushStarted); // Loki was tried first
        Assert.True(seen.FindIndex(d => d is ArchiveStarted) > seen.FindLastIndex(d => d is PushStarted), "no push after the archive began");
    }

    [Fact]
    public void CopiesDue_AreNotWrittenWhileWaitingInNext_ButInTheNextInvocationsFlush()
    {
        var settings = Settings(ArchiveMode.All);
        var state = Lifecycle.Step(settings, ExtensionState.Initial(settings.Policy), new Initialized(At)).State;
        state = Lifecycle.Step(settings, state, new InvokeReceived(At + 10, "a", At + 3010)).State;
        var (pushing, decisions) = Lifecycle.Step(settings, state, new TelemetryReceived(At + 20, [Line("first"), RuntimeDone("a", At + 20)]));
        PushStarted push = Assert.IsType<PushStarted>(Assert.Single(decisions));
        var (waiting, afterPush) = Lifecycle.Step(settings, pushing, new PushFinished(At + 30, push.Batch.Id, new PushOutcome.Delivered(), 0.5));
        Assert.IsType<NextCalled>(Assert.Single(afterPush)); // copies not due yet: the invocation is not held for them
        Assert.Equal(2, waiting.Archive.Copies.Count);

        // A minute later, still in /event/next (frozen, as far as anyone knows): nothing is written.
        var (_, idle) = Lifecycle.Step(settings, waiting, new TimerFired(At + Archiving.CopiesMaxAgeMs + 100));
        Assert.DoesNotContain(idle, d => d is ArchiveStarted);

        var invoked = Lifecycle.Step(settings, waiting, new InvokeReceived(At + Archiving.CopiesMaxAgeMs + 200, "b", At + Archiving.CopiesMaxAgeMs + 3200)).State;
        var (_, flushing) = Lifecycle.Step(settings, invoked, new TelemetryReceived(At + Archiving.CopiesMaxAgeMs + 210, [RuntimeDone("b", At + Archiving.CopiesMaxAgeMs + 210)]));
        ArchiveStarted copies = Assert.Single(flushing.OfType<ArchiveStarted>());
        Assert.Equal(ArchiveSource.Copies, copies.Source);
        Assert.Equal(["first", "{}"], copies.Entries.Select(e => e.Line.ToString().Contains("first") ? "first" : "{}"));
        Assert.DoesNotContain(flushing, d => d is NextCalled); // /event/next waits for the write
    }

    [Fact]
    public void ShedLines_GoToTheArchive_AndTheLossReportSaysArchived()
    {
        var settings = Settings(ArchiveMode.Fallback, DeliveryPolicy.Default with { MaxBufferBytes = 1024, SpoolMaxBytes = 0 });
        var state = Lifecycle.Step(settings, ExtensionState.Initial(settings.Policy, shipping: true), new Initialized(At)).State;
        state = state with { Phase = new Phase.AwaitingEvent() };

        var (full, _) = Lifecycle.Step(settings, state, new TelemetryReceived(At + 1,
            [.. Enumerable.Range(1, 14).Select(n => Line($"line {n} {new string('y', 40)}")).ToArray()]));

        Assert.True(full.Archive.Rescued.Count > 0);
        Assert.Equal(0, full.Counters.Dropped);
        LogEntry report = Assert.Single(full.Buffer.Entries, e => e.Stream == StreamKind.Extension);
        Assert.Contains(report.Metadata.Span.ToArray(), p => p is { Name: "cause", Value: "archived" });
        Assert.Contains($"{full.Archive.Rescued.Count} lines", report.Line.ToString());
        Assert.Contains("archived", report.Line.ToString());
    }

    [Fact]
    public void SnapStartInit_CopiesOfTheInitLines_AreWrittenBeforeTheSnapshot_NotByEveryClone()
    {
        var settings = Settings(ArchiveMode.All, model: ExecutionModel.SnapStart);
        var state = Lifecycle.Step(settings, ExtensionState.Initial(settings.Policy), new Initialized(At)).State;
        var initDone = new TelemetryRecord((At + 50) * 1_000_000, "platform.initRuntimeDone", TelemetryKind.InitRuntimeDone, null, Utf8Line.From("{}"),
            new RecordFields { Status = "success" });
        var (pushing, decisions) = Lifecycle.Step(settings, state, new TelemetryReceived(At + 50, [Line("loaded the model"), initDone]));
        PushStarted push = Assert.IsType<PushStarted>(Assert.Single(decisions));

        var (writing, afterPush) = Lifecycle.Step(settings, pushing, new PushFinished(At + 60, push.Batch.Id, new PushOutcome.Delivered(), 0.5));

        ArchiveStarted copies = Assert.IsType<ArchiveStarted>(Assert.Single(afterPush));
        Assert.Equal(ArchiveSource.Copies, copies.Source);
        Assert.True(copies.NotAfterMs <= At + 50 + settings.Policy.FlushBudgetMs);
        var (_, afterWrite) = Lifecycle.Step(settings, writing, new ArchiveFinished(At + 70, copies.ObjectId, null, 0.5));
        Assert.IsType<NextCalled>(Assert.Single(afterWrite)); // only then may the snapshot be taken
    }
}
