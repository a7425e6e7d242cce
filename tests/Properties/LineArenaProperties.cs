using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class LineArenaProperties
{
    /// <summary>Lines of any bytes (invalid UTF-8 included), now and then longer than a chunk.</summary>
    private static Arbitrary<byte[][]> Lines => Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []),
            Generators.UnicodeString.Select(s => Encoding.UTF8.GetBytes(s)),
            Gen.Choose(60_000, 140_000).Select(n => Encoding.UTF8.GetBytes(new string('é', n / 2))))
        .ArrayOf().Select(lines => lines.ToArray()).ToArbitrary();

    [Property(MaxTest = 100)]
    public Property Add_AnyLines_EachKeepsItsTextWhileLaterOnesAreWritten() => Prop.ForAll(Lines, inputs =>
    {
        var arena = new LineArena();
        var lines = inputs.Select(input => arena.Add(input)).ToList();

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.True(System.Text.Unicode.Utf8.IsValid(lines[i].Span));
            // Valid UTF-8 is kept byte for byte; anything else as the decoder repairs it.
            Assert.Equal(Encoding.UTF8.GetString(inputs[i]), lines[i].ToString());
        }
    });

    [Fact]
    public void Commit_LessThanReserved_LeavesTheRestForTheNextLine()
    {
        var arena = new LineArena();
        "first, and then some"u8.CopyTo(arena.Reserve(100));
        Utf8Line first = arena.Commit(5);
        Utf8Line second = arena.Add("second"u8);

        Assert.Equal(("first", "second"), (first.ToString(), second.ToString()));
    }
}
