using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Properties;

/// <summary>The lifecycle in every execution model keeps the delivery rules of on-demand (LifecycleProperties), plus its
/// own: on Managed Instances every entry keeps its own record's request; after a SnapStart restore at any point, the
/// connections are renewed before any push, the discriminator is drawn anew, and the snapshot's init records delivered
/// again are not shipped twice (the simulation's ledger counts every line stored).</summary>
public sealed class ExecutionModelProperties
{
    private static readonly Arbitrary<ExecutionModel> Models = Gen.Elements(
        ExecutionModel.ManagedInstances, ExecutionModel.SnapStart, ExecutionModel.ProvisionedConcurrency).ToArbitrary();

    [Property(MaxTest = 600)]
    public Property AnyRunInAnyModel_StoresEveryLineOnceInOrderOrAccountsForIt_AndKeepsTheModelsRules() =>
        Prop.ForAll(LifecycleProperties.Runs, Models, (moves, model) => LifecycleProperties.StoresEveryLineOnceInOrderOrAccountsForIt(moves, model));

    [Property(MaxTest = 300)]
    public Property AnyRunWithLokiAlwaysHealthy_InAnyModel_KeepsOrder() => Prop.ForAll(LifecycleProperties.Runs, Models, (moves, model) =>
    {
        var run = new LifecycleSimulation(DeliveryPolicy.Default with { MaxBatchBytes = 200 }, model) { LokiAlwaysStores = true };
        run.Run(moves);

        Assert.Equal(run.Stored.Order(), run.Stored);
        Assert.Equal(run.Stored.Distinct(), run.Stored);
        Assert.True(run.Violations.Count == 0, $"{model}: {string.Join("; ", run.Violations.Take(5))}");
    });

    private const long At = 1_700_000_000_000;
    private static readonly LifecycleSettings Managed = LifecycleSettings.For(DeliveryPolicy.Default, model: ExecutionModel.ManagedInstances);

    [Fact]
    public void Managed_LinesWhileWaitingInNext_ArePushedOnATimer_NotHeldForAnEvent()
    {
        var (state, decisions) = Lifecycle.Step(Managed, ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At));
        Assert.IsType<NextCalled>(Assert.Single(decisions));

        (state, decisions) = Lifecycle.Step(Managed, state, Body(At + 10, "first"));
        PushStarted first = Assert.IsType<PushStarted>(Assert.Single(decisions)); // waiting in /event/next, and pushing
        (state, decisions) = Lifecycle.Step(Managed, state, new PushFinished(At + 30, first.Batch.Id, new PushOutcome.Delivered(), 0));
        Assert.Empty(decisions);

        (state, decisions) = Lifecycle.Step(Managed, state, Body(At + 100, "second"));
        Assert.Equal(new TimerArmed(At + 10 + DeliveryDecisions.NeverFrozenPeriodMs), Assert.Single(decisions)); // at most once a second
        (_, decisions) = Lifecycle.Step(Managed, state, new TimerFired(At + 1010));
        PushStarted second = Assert.IsType<PushStarted>(Assert.Single(decisions));
        Assert.Equal("second", second.Batch.Entries.Single().Line.ToString());
    }

    [Fact]
    public void SnapStart_InitLines_ArePushedWhenTheRuntimesInitEnds_BeforeTheFirstNext()
    {
        var snapStart = LifecycleSettings.For(DeliveryPolicy.Default, model: ExecutionModel.SnapStart);
        var (state, decisions) = Lifecycle.Step(snapStart, ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At));
        Assert.Equal(new TimerArmed(At + Lifecycle.InitRuntimeWaitMs), Assert.Single(decisions)); // waiting for the runtime's init

        (state, decisions) = Lifecycle.Step(snapStart, state, Body(At + 300, "context started"));
        Assert.Empty(decisions);
        var initRuntimeDone = new TelemetryRecord((At + 310) * 1_000_000, "platform.initRuntimeDone", TelemetryKind.InitRuntimeDone, null,
            Utf8Line.From("{}"), new RecordFields { Status = "success" });
        (state, decisions) = Lifecycle.Step(snapStart, state, new TelemetryReceived(At + 320, [initRuntimeDone]));
        PushStarted push = Assert.IsType<PushStarted>(Assert.Single(decisions));
        Assert.Equal(2, push.Batch.Entries.Length);

        (_, decisions) = Lifecycle.Step(snapStart, state, new PushFinished(At + 340, push.Batch.Id, new PushOutcome.Delivered(), 0));
        Assert.IsType<NextCalled>(Assert.Single(decisions));
    }

    [Fact]
    public void SnapStart_InitRuntimeDoneBeforeTheExtensionsInitEnds_IsNotWaitedForAgain()
    {
        var snapStart = LifecycleSettings.For(DeliveryPolicy.Default, model: ExecutionModel.SnapStart);
        var initRuntimeDone = new TelemetryRecord(At * 1_000_000, "platform.initRuntimeDone", TelemetryKind.InitRuntimeDone, null,
            Utf8Line.From("{}"), new RecordFields { Status = "success" });
        // The platform delivers between the subscription and the shell's Initialized (a slow start, an emulated CPU).
        var (state, _) = Lifecycle.Step(snapStart, ExtensionState.Initial(DeliveryPolicy.Default), new TelemetryReceived(At, [initRuntimeDone]));
        (_, var decisions) = Lifecycle.Step(snapStart, state, new Initialized(At + 5));

        Assert.IsType<PushStarted>(Assert.Single(decisions)); // the init lines go now, not 9 s later
    }

    [Fact]
    public void SnapStart_TheFirstEventAfterInit_RenewsConnectionsAndRedrawsTheDiscriminator_OnceOnly()
    {
        var snapStart = LifecycleSettings.For(DeliveryPolicy.Default, model: ExecutionModel.SnapStart, shaping: null) with { SeesPlatformRecords = false };
        var (state, _) = Lifecycle.Step(snapStart, ExtensionState.Initial(DeliveryPolicy.Default, sandboxNanos: 7), new Initialized(At));
        Assert.IsType<Phase.AwaitingEvent>(state.Phase);

        (state, var decisions) = Lifecycle.Step(snapStart, state, new InvokeReceived(At + 86_400_000, "req-1", At + 86_403_000, Draw: 123_456));
        Assert.IsType<ConnectionsRenewed>(decisions.Filter(d => d is not Notified).Head);
        Assert.Equal(123_456, state.Stamps.SandboxNanos);

        (state, decisions) = Lifecycle.Step(snapStart, state with { Phase = new Phase.AwaitingEvent() }, new InvokeReceived(At + 86_500_000, "req-2", At + 86_503_000, Draw: 999));
        Assert.DoesNotContain(decisions, d => d is ConnectionsRenewed);
        Assert.Equal(123_456, state.Stamps.SandboxNanos);
    }

    [Theory]
    [InlineData("lambda-managed-instances", "SHUTDOWN", "2025-01-29 2022-12-13")]
    [InlineData("snap-start", "INVOKE SHUTDOWN", "2025-01-29 2022-12-13")]
    [InlineData("provisioned-concurrency", "INVOKE SHUTDOWN", "2025-01-29 2022-12-13")]
    [InlineData("on-demand", "INVOKE SHUTDOWN", "2025-01-29 2022-12-13 logs")]
    [InlineData("", "INVOKE SHUTDOWN", "2025-01-29 2022-12-13 logs")]
    public void EachModel_RegistersAndSubscribesAsItsPlatformAllows(string value, string events, string subscriptions)
    {
        ExecutionModel model = ExecutionModels.Parse(value, out string? unknown);

        Assert.Null(unknown);
        Assert.Equal(events, string.Join(" ", model.RegisteredEvents()));
        Assert.Equal(subscriptions, string.Join(" ", model.Subscriptions().Select(s => s.Schema() ?? "logs")));
    }

    [Theory]
    [InlineData("on-demand", "2022-07-01/telemetry 2025-01-29|2022-07-01/telemetry 2022-12-13|2020-08-15/logs -", "on-demand")]
    [InlineData("lambda-managed-instances", "2022-07-01/telemetry 2025-01-29|2022-07-01/telemetry 2022-12-13", "lambda-managed-instances")]
    public void EveryRefusedSubscription_IsFollowedByTheNextTheCoreChooses_UntilNoneIsLeft(string value, string attempts, string modelName)
    {
        var (config, _) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "https://logs.example.com",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = value,
        });
        var sent = new List<string>();
        SubscriptionAttempt? attempt = SubscriptionAttempt.First(config, 4321);
        string? gaveUp = null;
        while (attempt is not null)
        {
            Assert.Equal("http://sandbox.localdomain:4321", attempt.Destination);
            sent.Add($"{attempt.Path} {attempt.Schema ?? "-"}");
            var (next, why) = attempt.Refused($"HTTP 202 refusal {sent.Count}");
            (attempt, gaveUp) = (next, why);
        }

        Assert.Equal(attempts, string.Join("|", sent));
        Assert.StartsWith($"no subscription was accepted in the {modelName} model: the Telemetry API (schema 2025-01-29) refused (HTTP 202 refusal 1);",
            gaveUp);
        Assert.EndsWith("; nothing will be shipped", gaveUp);
    }

    [Fact]
    public void ASubscriptionAcceptedAfterARefusal_SaysWhatWasRefused()
    {
        var (config, _) = ConfigReader.Read(new Dictionary<string, string> { ["LOKI_PUSH_URL"] = "https://logs.example.com" });
        (SubscriptionAttempt? second, string? gaveUp) = SubscriptionAttempt.First(config, 1234).Refused("HTTP 400 unknown schema");

        Assert.Null(gaveUp);
        Assert.Equal("subscribed to the Telemetry API (schema 2022-12-13) after the Telemetry API (schema 2025-01-29) refused (HTTP 400 unknown schema)",
            second!.AcceptedNote);
        Assert.False(SubscriptionAttempt.Accepts(202, """{"errorType":"Telemetry.NotSupported"}"""));
        Assert.True(SubscriptionAttempt.Accepts(200, "OK"));
    }

    [Fact]
    public void AnUnknownInitializationType_RunsAsOnDemand_AndIsSaidOnce_WithoutFailingTheConfiguration()
    {
        var (config, problems) = ConfigReader.Read(new Dictionary<string, string>
        {
            ["LOKI_PUSH_URL"] = "https://logs.example.com",
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "lambda-something-new",
        });

        Assert.Empty(problems);
        Assert.Equal(ExecutionModel.OnDemand, config.Model);
        Assert.Contains("'lambda-something-new' is not a model this extension knows", Assert.Single(config.Notes));
    }

    private static TelemetryReceived Body(long at, string line) => new(at, [new TelemetryRecord(at * 1_000_000, "function",
        TelemetryKind.Function, Utf8Line.From(line), null, RecordFields.None)]);
}
