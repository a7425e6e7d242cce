using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>Periodic flushing (and adaptive while busy) never waits for runtimeDone, which Lambda delivers only after
/// its buffering: an invocation with no push due goes back to /event/next at once, and a due push starts with the
/// invocation, overlapping the function's own work.</summary>
public sealed class BusyFunctionTests
{
    private const long At = 1_795_000_000_000;
    private static readonly DeliveryPolicy Periodic = DeliveryPolicy.Default with { Flush = new FlushStrategy(FlushMode.Periodic, 1000) };
    private static readonly LifecycleSettings Settings = LifecycleSettings.For(Periodic);

    [Fact]
    public void Invoke_NoPushDue_CallsNextAtOnce()
    {
        ExtensionState state = AfterAFirstPush();

        var (_, decisions) = Lifecycle.Step(Settings, state, new InvokeReceived(At + 50, "c", At + 3050));

        Assert.IsType<NextCalled>(Assert.Single(decisions));
    }

    [Fact]
    public void Invoke_PushDue_PushesThenCallsNext_WithoutWaitingForRuntimeDone()
    {
        ExtensionState state = AfterAFirstPush();
        state = Lifecycle.Step(Settings, state, new TelemetryReceived(At + 30, [Line("buffered while the sandbox was thawed")])).State;

        var (pushing, decisions) = Lifecycle.Step(Settings, state, new InvokeReceived(At + 1200, "c", At + 4200));
        PushStarted push = Assert.IsType<PushStarted>(Assert.Single(decisions));
        var (_, afterPush) = Lifecycle.Step(Settings, pushing, new PushFinished(At + 1230, push.Batch.Id, new PushOutcome.Delivered(), 0.5));

        Assert.IsType<NextCalled>(Assert.Single(afterPush));
    }

    /// <summary>Two invocations in: the first went back to /event/next at once (nothing to push), the second pushed
    /// what came meanwhile (the first push is due at once) and went back to /event/next when it was stored, at At + 20.</summary>
    private static ExtensionState AfterAFirstPush()
    {
        var state = Lifecycle.Step(Settings, ExtensionState.Initial(Periodic), new Initialized(At)).State;
        state = Lifecycle.Step(Settings, state, new InvokeReceived(At, "a", At + 3000)).State;
        state = Lifecycle.Step(Settings, state, new TelemetryReceived(At + 10, [Line("first")])).State;
        state = Lifecycle.Step(Settings, state, new InvokeReceived(At + 20, "b", At + 3020)).State;
        PushBatch batch = state.Delivery.InFlight.Case as PushBatch ?? throw new InvalidOperationException("no push at the second invocation");
        state = Lifecycle.Step(Settings, state, new PushFinished(At + 20, batch.Id, new PushOutcome.Delivered(), 0.5)).State;
        Assert.IsType<Phase.AwaitingEvent>(state.Phase);
        return state;
    }

    private static TelemetryRecord Line(string text) =>
        new(At * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From(text), null, RecordFields.None);
}
