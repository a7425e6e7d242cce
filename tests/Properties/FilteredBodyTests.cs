using System.Text;
using System.Text.RegularExpressions;

namespace LokiLambdaExtension.Properties;

/// <summary>A body through a drop filter: what is counted, and kept lines must not hold on to the arena chunks of the
/// lines the filter dropped.</summary>
public sealed class FilteredBodyTests
{
    [Theory]
    [InlineData("^drop", true)]
    [InlineData("^nothing matches this", false)]
    public void Received_WithADropFilter_KeptLinesLeaveTheArenaOnlyWhenLinesWereDropped(string dropPattern, bool dropsSome)
    {
        var arena = new LineArena();
        string[] lines = [.. Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? $"keep {i}" : $"drop {i}")];
        byte[] body = Encoding.UTF8.GetBytes("[" + string.Join(",", lines.Select(l =>
            $$"""{"time":"2026-11-25T10:00:00.000Z","type":"function","record":"{{l}}\n"}""")) + "]");
        var shaping = new EntryShaping(LineLimit.DefaultMaxBytes, "", "", new LineFilter(new Regex(dropPattern), null));

        var settings = LifecycleSettings.For(DeliveryPolicy.Default, shaping);
        // Without its digest: the same body is taken in twice below, as if the platform had sent it twice anew.
        TelemetryReceived received = TelemetryIntake.Read(body, 0, 0, 0, arena, shaping).Received! with { Digest = null };

        var (state, _) = Lifecycle.Step(settings, ExtensionState.Initial(DeliveryPolicy.Default), received);

        string[] expected = dropsSome ? [.. lines.Where(l => l.StartsWith("keep", StringComparison.Ordinal))] : lines;
        Assert.Equal(expected, state.Buffer.Entries.Select(e => e.Line.ToString()));
        Utf8Line stillInTheArena = arena.Add("probe"u8); // the chunk the body's lines were written to
        Assert.All(state.Buffer.Entries, e => Assert.Equal(!dropsSome, e.Line.SharesArrayWith(stillInTheArena)));
        Assert.Equal((40L, dropsSome ? 30L : 0L, 0L), (state.Counters.Received, state.Counters.Filtered, state.Counters.Dropped));

        (state, _) = Lifecycle.Step(settings, state, received);
        Assert.Equal((80L, dropsSome ? 60L : 0L), (state.Counters.Received, state.Counters.Filtered));
    }
}
