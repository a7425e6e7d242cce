using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>The recogniser of bodies the platform delivers again (<see cref="RecentBodies"/>), through the Decider as
/// the shell feeds it: parsed records with the body's digest.</summary>
public sealed class RedeliveryProperties
{
    private const long At = 1_795_000_000_000;

    /// <summary>Bodies of one to five function records, their lines from a small alphabet so that records repeat.</summary>
    private static readonly Arbitrary<string[]> Lines =
        Gen.Elements("a", "b", "same line", "é", "\"quoted\"").ArrayOf().Select(l => l.Take(5).ToArray()).Where(l => l.Length > 0).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property TheSameBodyTwiceWithinTheWindow_IsShippedOnce() =>
        Prop.ForAll(Lines, Gen.Choose(0, (int)RecentBodies.WindowMs).ToArbitrary(), (lines, later) =>
        {
            byte[] body = Body(lines, At);

            var state = Deliver(Deliver(Ready(), body, At), body, At + later);

            Assert.Equal(lines.Length, state.Buffer.Entries.Count);
            Assert.Equal(1, state.Counters.Redelivered);
        });

    [Property(MaxTest = 200)]
    public Property DifferentBodiesWithEqualRecords_AreBothShipped() =>
        Prop.ForAll(Lines, Lines, (first, second) =>
        {
            // The second batch repeats the first's records and adds its own: a body of its own.
            byte[] one = Body(first, At);
            byte[] other = Body([.. first, .. second], At);

            var state = Deliver(Deliver(Ready(), one, At), other, At + 30);

            Assert.Equal(first.Length * 2 + second.Length, state.Buffer.Entries.Count);
            Assert.Equal(0, state.Counters.Redelivered);
        });

    [Fact]
    public void TheSameBodyAfterTheWindow_IsShippedAgain()
    {
        byte[] body = Body(["once a minute"], At);

        var state = Deliver(Deliver(Ready(), body, At), body, At + RecentBodies.WindowMs + 1);

        Assert.Equal(2, state.Buffer.Entries.Count);
    }

    private static ExtensionState Ready() => Lifecycle.Step(LifecycleSettings.Default, ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(At)).State;

    private static ExtensionState Deliver(ExtensionState state, byte[] body, long nowMs)
    {
        var parsed = TelemetryBodyParser.Parse(body, nowMs * 1_000_000, new LineArena());
        return Lifecycle.Step(LifecycleSettings.Default, state, new TelemetryReceived(nowMs, parsed.Records, BodyDigest.Of(body))).State;
    }

    private static byte[] Body(string[] lines, long atMs) => Encoding.UTF8.GetBytes("[" + string.Join(",", lines.Select(line =>
        $$"""{"time":"{{DateTimeOffset.FromUnixTimeMilliseconds(atMs):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","type":"function","record":{{System.Text.Json.JsonSerializer.Serialize(line + "\n")}}}""")) + "]");
}
