using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>The prefix reader's quick checks say what their plain definitions say.</summary>
public sealed class TextLogPrefixProperties
{
    /// <summary>Ids and near-ids: a UUID with one character changed to anything (a letter past f, a non-ASCII letter, a
    /// dash, a character far below or above '-'..'f').</summary>
    private static Gen<string> NearIds =>
        from id in Gen.Constant(0).Select(_ => Guid.NewGuid().ToString())
        from at in Gen.Choose(0, 35)
        from c in Gen.OneOf(Gen.Elements('g', 'G', 'z', '-', '/', ':', '@', '`', 'é', 'İ', '\u0000', '\uffff', 'F', '9'),
            ArbMap.Default.GeneratorFor<char>())
        from change in ArbMap.Default.GeneratorFor<bool>()
        select change ? id[..at] + c + id[(at + 1)..] : id;

    [Property(MaxTest = 1000)]
    public Property LooksLikeRequestId_IsThirtySixHexDigitsOrDashesWithTheUuidsDashes() => Prop.ForAll(NearIds.ToArbitrary(), text =>
    {
        bool expected = text.Length == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-'
            && text.All(c => c == '-' || char.IsAsciiHexDigit(c));

        Assert.Equal(expected, TextLogPrefix.LooksLikeRequestId(System.Text.Encoding.UTF8.GetBytes(text)));
    });

    /// <summary>Level words in any case, with characters that invariant casing lowers to ASCII letters (İ, the Kelvin sign).</summary>
    private static Gen<string> Words =>
        from word in Gen.Elements("info", "INFO", "Information", "warn", "ERROR", "crit", "debug", "trace", "İNFO", "\u212Aill", "nope", "")
        from c in Gen.Elements('İ', 'K', 'ı', 'x', 'I')
        from at in Gen.Choose(0, 3)
        from change in ArbMap.Default.GeneratorFor<bool>()
        select change && at < word.Length ? word[..at] + c + word[(at + 1)..] : word;

    [Property(MaxTest = 500)]
    public Property Parse_AnyWord_IsTheLevelOfItsInvariantLowerCase() => Prop.ForAll(Words.ToArbitrary(), word =>
    {
        // The word lowered first reads as the word: the ASCII lowering and the casing tables agree (a word they lower
        // to ASCII, such as one with a Kelvin sign, is read by the tables).
        string lower = word.ToLowerInvariant();

        Assert.Equal(LogLevels.Parse(lower), LogLevels.Parse(word));
    });

    [Theory]
    [InlineData("INFORMATIONAL", "info")]
    [InlineData("informational", "info")]
    [InlineData("Emergency", "fatal")]
    [InlineData("informationals", "")]
    [InlineData("W", "")]
    public void Parse_Examples(string word, string expected)
    {
        Assert.Equal(expected, LogLevels.Parse(word).Name());
        Assert.Equal(expected, LogLevels.Parse(System.Text.Encoding.UTF8.GetBytes(word)).Name());
    }

    [Property(MaxTest = 500)]
    public Property Parse_AWordsUtf8Bytes_IsTheLevelOfItsCharacters() => Prop.ForAll(Words.ToArbitrary(), word =>
        Assert.Equal(LogLevels.Parse(word), LogLevels.Parse(System.Text.Encoding.UTF8.GetBytes(word))));
}
