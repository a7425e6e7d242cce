using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>The shrinkers make progress: every candidate is strictly smaller than what it came from (so shrinking ends),
/// and anything not yet minimal has a candidate (so a failing input is reported small).</summary>
public sealed class ShrinkingProperties
{
    [Property(MaxTest = 200)]
    public Property Entries_ShrinkToStrictlySmallerOnes_UntilNothingIsLeft() => Prop.ForAll(Generators.Entries, entries =>
    {
        var candidates = Generators.Entries.Shrinker(entries).ToList();
        Assert.All(candidates, smaller => Assert.True(Size(smaller) < Size(entries), $"{Size(smaller)} !< {Size(entries)}"));
        Assert.Equal(Size(entries) > 0, candidates.Count > 0);
    });

    [Property(MaxTest = 200)]
    public Property Environments_ShrinkToStrictlySmallerOnes() => Prop.ForAll(Environments, environment =>
    {
        var shrinking = Shrinking.Environment(Gen.Constant(environment));
        var candidates = shrinking.Shrinker(environment).ToList();
        Assert.All(candidates, smaller => Assert.True(Size(smaller) < Size(environment)));
        Assert.Equal(environment.Count > 0, candidates.Count > 0);
    });

    private static readonly Arbitrary<Dictionary<string, string>> Environments =
        Gen.Elements("A", "B", "C").SelectMany(name => Generators.UnicodeString.Select(value => (name, value))).ArrayOf()
            .Select(pairs => pairs.DistinctBy(p => p.name).ToDictionary(p => p.name, p => p.value)).ToArbitrary();

    private static long Size(LogEntry[] entries) =>
        entries.Sum(e => 1 + e.Metadata.Count + e.Line.ToString().Length + (e.UnixNanos == 0 ? 0 : 1));

    private static long Size(Dictionary<string, string> environment) => environment.Sum(v => 1 + v.Value.Length);
}
