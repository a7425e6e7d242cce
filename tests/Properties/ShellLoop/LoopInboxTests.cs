using LokiLambdaExtension.Shell;

namespace LokiLambdaExtension.Properties.ShellLoop;

/// <summary>What the delivery loop waits for on the main thread: an observation handed in from another thread wakes it,
/// the core's timer comes back as <see cref="TimerFired"/> (the latest one armed), and a request's deadline cancels it
/// unless it was released first.</summary>
public sealed class LoopInboxTests
{
    [Fact]
    public async Task AnObservationFromAnotherThread_WakesTheWait()
    {
        var inbox = new LoopInbox();
        var handed = new TimerFired(1);

        Task<Observation> taken = Task.Run(inbox.Take);
        await Task.Delay(20);
        inbox.Post(handed);

        Assert.Same(handed, await taken.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void TheTimer_ComesBackWhenDue_OnlyTheLastOneArmed()
    {
        var inbox = new LoopInbox();
        long armedAt = ShellClock.NowMs;
        inbox.ArmTimer(armedAt + 10_000);
        inbox.ArmTimer(armedAt + 30);

        Observation fired = inbox.Take();

        Assert.True(fired is TimerFired { NowMs: var at } && at >= armedAt + 30, $"{fired}");
    }

    [Fact]
    public void ADeadline_CancelsItsRequest_AndAReleasedOneIsLeftAlone()
    {
        var inbox = new LoopInbox();
        long now = ShellClock.NowMs;
        LoopInbox.RequestDeadline due = inbox.Deadline(now + 20);
        LoopInbox.RequestDeadline released = inbox.Deadline(now + 20);
        released.Dispose(); // the request is over
        bool cancelledBeforeTheTimer = false;
        due.Token.Register(() => cancelledBeforeTheTimer = true);
        inbox.ArmTimer(now + 80);

        Observation next = inbox.Take();

        Assert.IsType<TimerFired>(next);
        Assert.True(cancelledBeforeTheTimer);
        Assert.False(released.Token.IsCancellationRequested);
    }
}
