using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace LokiLambdaExtension.Properties;

/// <summary>Arbitraries for the domain: entries with any Unicode (lone surrogates included), timestamps across and
/// beyond the range Loki accepts, metadata.</summary>
internal static class Generators
{
    public static Gen<string> AnyString =>
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");

    /// <summary>Strings that stress UTF-8: astral characters, lone surrogates, controls, quotes and backslashes.</summary>
    public static Gen<string> UnicodeString => Gen.OneOf(
        AnyString,
        Gen.Elements("", "\"", "\\", "\n", "\r\n", "\t", "\u0000", "\u007f", "é", "日本語", "🦊", "\ud83e", "\udd8a", "a\"b\\c\nd", "\ufffd")
            .ArrayOf().Select(parts => string.Concat(parts)));

    public static Gen<long> UnixNanos => Gen.OneOf(
        Gen.Choose(0, int.MaxValue).Select(n => n * 1_000_000_000L + n % 1_000_000_000),
        ArbMap.Default.GeneratorFor<long>(),
        Gen.Constant(0L));

    public static Gen<MetadataPair> Pair =>
        from name in UnicodeString
        from value in UnicodeString
        select new MetadataPair(name, value);

    public static Gen<LogEntry> Entry =>
        from nanos in UnixNanos
        from line in UnicodeString
        from stream in Gen.Elements(StreamKind.Function, StreamKind.Platform, StreamKind.Extension)
        from pairs in Pair.ArrayOf().Select(p => p.Take(4).ToArray())
        select new LogEntry(nanos, line, stream, new MetadataPairs(pairs));

    public static Arbitrary<LogEntry[]> Entries => Shrinking.Entries(Entry.ArrayOf().Select(e => e.ToArray()));

    public static Arbitrary<string> Unicode => Shrinking.Text(UnicodeString, minLength: 0);

    /// <summary><paramref name="text"/> with its lone surrogates made U+FFFD, as any UTF-8 round trip makes them (no
    /// UTF-8 JSON can carry one).</summary>
    public static string Sound(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>A JSON string of <paramref name="text"/> (made <see cref="Sound"/> first), written as loggers write
    /// them: non-ASCII kept as it is, control characters escaped.</summary>
    public static string JsonQuoted(string text) => "\"" + string.Concat(Sound(text).Select(c => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        _ when c < ' ' => $"\\u{(int)c:X4}",
        _ => c.ToString(),
    })) + "\"";
}
