using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Properties;

/// <summary>The timestamps that keep entries apart in Loki (<see cref="EntryStamps"/>): unique per sandbox and across
/// sandboxes, and fixed once given, so every re-send is byte-identical and Loki absorbs it.</summary>
public sealed class SandboxStampProperties
{
    private const long At = 1_795_000_000_000;

    /// <summary>Records as the platform stamps them: a few lines, often identical, in a few milliseconds, mostly in
    /// order; each is (offset in ms, line index, stream).</summary>
    private static readonly Arbitrary<(int Ms, int Line, StreamKind Stream)[]> Records =
        (from ms in Gen.Choose(0, 3)
         from line in Gen.Choose(0, 4)
         from stream in Gen.Elements(StreamKind.Function, StreamKind.Platform)
         select (ms, line, stream)).ArrayOf().Select(r => r.ToArray()).ToArbitrary();

    private static readonly Arbitrary<long> Discriminators = Gen.Choose(0, 999_999).Select(n => (long)n).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property OneSandbox_NeverWritesTwoEntriesOfAStreamAtOneTime_InWhateverOrderTheyCome_AndKeepsEachInItsMillisecond() =>
        Prop.ForAll(Records, Discriminators, (records, sandbox) =>
        {
            LogEntry[] placed = Place(records, sandbox);

            Assert.Equal(placed.Length, placed.Select(e => (e.Stream, e.UnixNanos)).Distinct().Count());
            for (int i = 0; i < placed.Length; i++)
            {
                Assert.Equal(At + records[i].Ms, placed[i].UnixNanos / 1_000_000);
            }
        });

    [Property(MaxTest = 300)]
    public Property OneSandbox_KeepsTheOrderOfEntriesOfOneMillisecond_ButAcrossTheWrapOfItsCount() =>
        Prop.ForAll(Records, Discriminators, (records, sandbox) =>
        {
            LogEntry[] placed = Place(records, sandbox);

            foreach (var millisecond in placed.Select((e, i) => (Entry: e, Index: i)).GroupBy(p => (p.Entry.Stream, p.Entry.UnixNanos / 1_000_000)))
            {
                // Unwrapped, the offsets below the millisecond are the sandbox's plus the entry's place in the sequence.
                var offsets = millisecond.Select(p => (Offset: p.Entry.UnixNanos % 1_000_000, Unwrapped: sandbox + p.Index)).ToList();
                Assert.All(offsets, o => Assert.Equal(o.Unwrapped % 1_000_000, o.Offset));
                bool wraps = offsets.Any(o => o.Unwrapped >= 1_000_000) && offsets.Any(o => o.Unwrapped < 1_000_000);
                Assert.True(wraps || offsets.Select(o => o.Offset).SequenceEqual(offsets.Select(o => o.Offset).Order()));
            }
        });

    [Fact]
    public void AWrapOfTheCount_StillGivesEveryEntryATimeOfItsOwn()
    {
        LogEntry[] placed = Place([.. Enumerable.Repeat((0, 1, StreamKind.Function), 5)], sandbox: 999_998);

        Assert.Equal([999_998L, 999_999, 0, 1, 2], placed.Select(e => e.UnixNanos % 1_000_000));
        Assert.All(placed, e => Assert.Equal(At, e.UnixNanos / 1_000_000));
    }

    [Property(MaxTest = 300)]
    public Property TwoSandboxes_NeverWriteTheSameRecordAtTheSameTime() =>
        Prop.ForAll(Records, Discriminators, Discriminators, (records, first, second) =>
        {
            LogEntry[] one = Place(records, first);
            LogEntry[] other = Place(records, second);

            for (int i = 0; i < records.Length; i++)
            {
                Assert.True(first == second || one[i].UnixNanos != other[i].UnixNanos,
                    $"record {i} at {one[i].UnixNanos} in both sandboxes ({first}, {second})");
            }
        });

    /// <summary>What a sandbox sends the first time is what it sends again after a failed push (here: 503, then a
    /// cut answer, then a 413 split, then a 429) and what it reads back from its spool: byte for byte.</summary>
    [Property(MaxTest = 200)]
    public Property EveryResend_ThroughRetriesSplitsAndTheSpool_IsTheFirstSendUnchanged() =>
        Prop.ForAll(Records, Discriminators, (records, sandbox) =>
        {
            PushOutcome[] answers =
            [
                new PushOutcome.Retryable("HTTP 503", null, false), new PushOutcome.Retryable("timeout", null, true),
                new PushOutcome.TooLarge(), new PushOutcome.Retryable("HTTP 429", null, false, RateLimited: true),
            ];
            var firstSend = new Dictionary<string, (long, StreamKind)>();
            long now = At;
            int invocation = 0, answered = 0;
            var state = Lifecycle.Step(LifecycleSettings.Default, ExtensionState.Initial(DeliveryPolicy.Default, sandboxNanos: sandbox), new Initialized(now)).State;
            Seq<Decision> decisions = [];
            Observation next = new InvokeReceived(now, "r0", now + 60_000);
            Seq<TelemetryRecord>? pending = toSeq(records.Select(Record));
            for (int step = 0; step < 200; step++)
            {
                (state, decisions) = Lifecycle.Step(LifecycleSettings.Default, state, next);
                if (decisions.OfType<PushStarted>().HeadOrNone().Case is PushStarted push)
                {
                    foreach (LogEntry entry in SpoolFormat.Read(SpoolFormat.Write(push.Batch.Entries)))
                    {
                        var sent = (entry.UnixNanos, entry.Stream);
                        Assert.Equal(firstSend.TryAdd(entry.Line.ToString(), sent) ? sent : firstSend[entry.Line.ToString()], sent);
                    }
                    next = new PushFinished(now, push.Batch.Id, answered < answers.Length ? answers[answered++] : new PushOutcome.Delivered(), 0.5);
                }
                else if (pending is { } body)
                {
                    next = new TelemetryReceived(now, [.. body, RuntimeDoneOf($"r{invocation}")]);
                    pending = null;
                }
                else if (state.Phase is Phase.AwaitingEvent && state.Undelivered > 0)
                {
                    now += 40_000; // past any backoff
                    next = new InvokeReceived(now, $"r{++invocation}", now + 60_000);
                    pending = Seq<TelemetryRecord>(); // then its runtimeDone
                }
                else if (state.TimerAtMs.Case is long timer)
                {
                    now = Math.Max(now, timer);
                    next = new TimerFired(now);
                }
                else
                {
                    break;
                }
            }
            Assert.Equal(0, state.Undelivered);
            Assert.Equal(answers.Length, answered); // every kind of re-send happened
        });

    private static TelemetryRecord RuntimeDoneOf(string requestId) => new(At * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null,
        Utf8Line.From("{}"), new RecordFields { RequestId = requestId, Status = "success" });

    private static int _serial;

    /// <summary>A function record whose text is unique (so a re-send can be recognised), or a platform one.</summary>
    private static TelemetryRecord Record((int Ms, int Line, StreamKind Stream) r) => r.Stream == StreamKind.Function
        ? new TelemetryRecord((At + r.Ms) * 1_000_000, "function", TelemetryKind.Function,
            Utf8Line.From($"line {r.Line} #{Interlocked.Increment(ref _serial)}"), null, RecordFields.None)
        : new TelemetryRecord((At + r.Ms) * 1_000_000, "platform.extension", TelemetryKind.OtherPlatform, null,
            Utf8Line.From($$"""{"n":{{Interlocked.Increment(ref _serial)}}}"""), RecordFields.None);

    private static LogEntry[] Place((int Ms, int Line, StreamKind Stream)[] records, long sandbox)
    {
        EntryStamps stamps = EntryStamps.For(sandbox);
        var placed = new LogEntry[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            (placed[i], stamps) = stamps.Stamp(new LogEntry((At + records[i].Ms) * 1_000_000, $"line {records[i].Line}", records[i].Stream));
        }
        return placed;
    }
}
