using FsCheck;
using FsCheck.Fluent;

namespace LokiLambdaExtension.Properties.Hostile;

/// <summary>Shrinkers for the hostile inputs: a failing request, object or split is reported at its smallest.</summary>
internal static class Shrinking
{
    /// <summary>Arrays shrink by halves, then by dropping a quarter, then one element at a time from the end (bounded,
    /// so a 16 MB input does not make millions of candidates).</summary>
    public static Arbitrary<T[]> Arrays<T>(Gen<T[]> gen) => Arb.From(gen, Shorter);

    /// <summary>Text shrinks the same way, down to six characters (shorter text turns up in any output by chance).</summary>
    public static Arbitrary<string> Text(Gen<string> gen) =>
        Arb.From(gen, text => Shorter(text.ToCharArray()).Where(c => c.Length >= 6).Select(c => new string(c)));

    private static IEnumerable<T[]> Shorter<T>(T[] items)
    {
        if (items.Length == 0)
        {
            yield break;
        }
        yield return items[..(items.Length / 2)];
        yield return items[(items.Length / 2)..];
        yield return items[(items.Length / 4)..];
        for (int i = items.Length - 1; i >= Math.Max(0, items.Length - 16); i--)
        {
            yield return [.. items[..i], .. items[(i + 1)..]];
        }
    }
}
