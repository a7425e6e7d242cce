using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LokiLambdaExtension.Properties;

/// <summary>Exhaustive handling: every observation and decision the core declares is folded by
/// <see cref="Lifecycle.Evolve"/>, so one added without its case fails here instead of being ignored by a catch-all.</summary>
public sealed class EveryEventIsFoldedTests
{
    private static string[] EventTypes() =>
        [.. typeof(Event).Assembly.GetTypes().Where(t => typeof(Event).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).Select(t => t.FullName!)];

    public static TheoryData<string> Events() => [.. EventTypes()];

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryEvent_IsFolded(string typeName)
    {
        var e = (Event)RuntimeHelpers.GetUninitializedObject(typeof(Event).Assembly.GetType(typeName)!);
        ExtensionState shipping = ExtensionState.Initial(DeliveryPolicy.Default) with { Phase = new Phase.AwaitingEvent() };

        // An event made without its fields may trip its handler (a null batch): that is a handler, not a missing case.
        Exception? failure = Record.Exception(() => Lifecycle.Evolve(LifecycleSettings.Default, shipping, e));

        Assert.False(failure is UnreachableException, failure?.Message);
    }

    [Fact]
    public void TheListOfEvents_IsTheCoresWhole()
    {
        Assert.Contains(typeof(TimerFired).FullName!, EventTypes());
        Assert.Contains(typeof(CredentialsFetchStarted).FullName!, EventTypes());
        Assert.True(EventTypes().Length >= 25, $"{EventTypes().Length} events");
    }
}
