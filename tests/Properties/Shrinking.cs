using FsCheck;
using FsCheck.Fluent;

namespace LokiLambdaExtension.Properties;

/// <summary>Shrinkers for the generated inputs, so that a failing entry, body, text or environment is reported at its
/// smallest rather than at the size it was generated: arrays and text by halves, then element by element; an entry by
/// its metadata, its line and its time; an environment by its variables, then by its values.</summary>
internal static class Shrinking
{
    /// <summary>Arrays shrink by halves, then by dropping a quarter, then one element at a time from the end (bounded,
    /// so a 16 MB input does not make millions of candidates).</summary>
    public static Arbitrary<T[]> Arrays<T>(Gen<T[]> gen) => Arb.From(gen, Shorter);

    /// <summary>Text shrinks the same way, down to <paramref name="minLength"/> characters (six for text that must
    /// not turn up in any output by chance).</summary>
    public static Arbitrary<string> Text(Gen<string> gen, int minLength = 6) => Arb.From(gen, text => ShorterText(text, minLength));

    /// <summary>Entries shrink as an array, then each entry on its own (<see cref="Smaller(LogEntry)"/>).</summary>
    public static Arbitrary<LogEntry[]> Entries(Gen<LogEntry[]> gen) => Arb.From(gen, entries =>
        Shorter(entries).Concat(entries.SelectMany((entry, i) => Smaller(entry).Select(smaller => (LogEntry[])[.. entries[..i], smaller, .. entries[(i + 1)..]]))));

    /// <summary>An environment loses one variable at a time, then each value shrinks as text.</summary>
    public static Arbitrary<Dictionary<string, string>> Environment(Gen<Dictionary<string, string>> gen) => Arb.From(gen, environment =>
        environment.Keys.Select(name => environment.Where(v => v.Key != name).ToDictionary())
            .Concat(environment.SelectMany(v => ShorterText(v.Value, 0).Select(value => new Dictionary<string, string>(environment) { [v.Key] = value }))));

    /// <summary>An entry without its last metadata pair, with a shorter line, at time zero.</summary>
    public static IEnumerable<LogEntry> Smaller(LogEntry entry)
    {
        if (entry.Metadata.Count > 0)
        {
            yield return entry with { Metadata = new MetadataPairs(entry.Metadata.Span[..^1].ToArray()) };
        }
        foreach (string line in ShorterText(entry.Line.ToString(), 0).Take(3))
        {
            yield return entry with { Line = Utf8Line.From(line) };
        }
        if (entry.UnixNanos != 0)
        {
            yield return entry with { UnixNanos = 0 };
        }
    }

    private static IEnumerable<string> ShorterText(string text, int minLength) =>
        Shorter(text.ToCharArray()).Where(c => c.Length >= minLength).Select(c => new string(c));

    /// <summary>Only candidates shorter than <paramref name="items"/>: a candidate as long as its source (the second
    /// half of one element) would let shrinking go round for ever.</summary>
    private static IEnumerable<T[]> Shorter<T>(T[] items) => Candidates(items).Where(c => c.Length < items.Length);

    private static IEnumerable<T[]> Candidates<T>(T[] items)
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
