using LokiLambdaExtension.Shell;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>Where the delivery loop folds its observations: one handed in from another thread is folded on that thread
/// while the main thread waits; one thread folds at a time, in the order they were handed in; what came before the loop
/// ran is folded first; the core's timer comes back as <see cref="TimerFired"/> (the latest one armed); a request's
/// deadline cancels it unless it was released first; a fold that throws ends the loop with its exception.</summary>
public sealed class LoopInboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AnObservationFromAnotherThread_IsFoldedOnThatThread()
    {
        var inbox = new LoopInbox();
        var handed = new TimerFired(1);
        int foldedOn = -1;
        Task<int> loop = Task.Factory.StartNew(() => inbox.Run(o =>
        {
            foldedOn = Environment.CurrentManagedThreadId;
            return ReferenceEquals(o, handed) ? 7 : null;
        }), TaskCreationOptions.LongRunning);
        await Task.Delay(50);

        int postedOn = await Task.Factory.StartNew(() => { inbox.Post(handed); return Environment.CurrentManagedThreadId; }, TaskCreationOptions.LongRunning);

        Assert.Equal(7, await loop.WaitAsync(Patience));
        Assert.Equal(postedOn, foldedOn);
    }

    [Fact]
    public async Task ObservationsFromManyThreads_AreFoldedOneAtATime_EachThreadsInItsOrder_AfterThoseHandedInBeforeTheLoop()
    {
        const int Threads = 4, Each = 2_000;
        var inbox = new LoopInbox();
        inbox.Post(new TimerFired(-1));
        inbox.Post(new TimerFired(-2));
        var folded = new List<long>();
        int inside = 0, overlaps = 0;
        Task<int> loop = Task.Factory.StartNew(() => inbox.Run(o =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                overlaps++;
            }
            folded.Add(o.NowMs);
            Interlocked.Decrement(ref inside);
            return folded.Count == Threads * Each + 2 ? 0 : null;
        }), TaskCreationOptions.LongRunning);

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                inbox.Post(new TimerFired(t * 1_000_000L + i));
            }
        })));

        Assert.Equal(0, await loop.WaitAsync(Patience));
        Assert.Equal(0, overlaps);
        Assert.Equal([-1, -2], folded.Take(2));
        for (int t = 0; t < Threads; t++)
        {
            long[] ofThread = [.. folded.Skip(2).Where(at => at / 1_000_000L == t)];
            Assert.Equal(Enumerable.Range(0, Each).Select(i => t * 1_000_000L + i), ofThread);
        }
    }

    [Fact]
    public async Task TheTimer_ComesBackWhenDue_OnlyTheLastOneArmed()
    {
        var inbox = new LoopInbox();
        long armedAt = ShellClock.NowMs;
        var folded = new List<Observation>();
        Task<int> loop = Task.Factory.StartNew(() => inbox.Run(o =>
        {
            folded.Add(o);
            if (o is TimerFired)
            {
                return 0;
            }
            inbox.ArmTimer(armedAt + 10_000);
            inbox.ArmTimer(armedAt + 30);
            return null;
        }), TaskCreationOptions.LongRunning);
        await Task.Delay(20);

        inbox.Post(new Initialized(armedAt));

        Assert.Equal(0, await loop.WaitAsync(Patience));
        Assert.True(folded[^1] is TimerFired { NowMs: var at } && at >= armedAt + 30 && at < armedAt + 10_000, $"{folded[^1]}");
    }

    [Fact]
    public async Task ADeadline_CancelsItsRequest_AndAReleasedOneIsLeftAlone()
    {
        var inbox = new LoopInbox();
        long now = ShellClock.NowMs;
        LoopInbox.RequestDeadline due = inbox.Deadline(now + 20);
        LoopInbox.RequestDeadline released = inbox.Deadline(now + 20);
        released.Dispose(); // the request is over
        bool cancelledBeforeTheTimer = false;
        due.Token.Register(() => cancelledBeforeTheTimer = true);
        inbox.ArmTimer(now + 80);

        int exit = await Task.Factory.StartNew(() => inbox.Run(o => o is TimerFired ? 3 : null), TaskCreationOptions.LongRunning).WaitAsync(Patience);

        Assert.Equal(3, exit);
        Assert.True(cancelledBeforeTheTimer);
        Assert.False(released.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task AFoldThatThrowsOnAnotherThread_EndsTheLoopWithItsException()
    {
        var inbox = new LoopInbox();
        Task<int> loop = Task.Factory.StartNew(() => inbox.Run(_ => throw new InvalidOperationException("a bug in an effect")),
            TaskCreationOptions.LongRunning);
        await Task.Delay(20);

        await Task.Run(() => inbox.Post(new Initialized(1)));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => loop.WaitAsync(Patience));
        Assert.Equal("a bug in an effect", thrown.Message);
    }
}
