using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>Survivors of shedding, copied out of the chunks they shared with shed lines, keep their text and hold only
/// their own bytes.</summary>
public sealed class HeldLinesProperties
{
    [Property(MaxTest = 100)]
    public Property Compacted_FewSurvivorsOfFullChunks_KeepTheirTextAndHoldTheirOwnBytes() => Prop.ForAll(
        Gen.Choose(2, 40).Select(n => Enumerable.Range(0, n).Select(i => $"kept {i} {new string('x', i * 7)} é").ToArray()).ToArbitrary(),
        texts =>
        {
            // Each survivor in an arena of its own beside a shed line: each holds a whole chunk, two or more of them
            // well past what they count (one chunk is let be).
            LogEntry[] survivors = texts.Select((text, i) =>
            {
                var arena = new LineArena();
                arena.Add(new byte[1000]);
                return new LogEntry(i, arena.Add(Encoding.UTF8.GetBytes(text)), StreamKind.Function, MetadataPairs.Empty);
            }).ToArray();
            long counted = texts.Sum(t => Encoding.UTF8.GetByteCount(t));

            LogEntry[] compacted = HeldLines.Compacted(survivors, counted);

            Assert.Equal(texts, compacted.Select(e => e.Line.ToString()));
            Assert.Equal(survivors.Select(e => (e.UnixNanos, e.Stream)), compacted.Select(e => (e.UnixNanos, e.Stream)));
            Assert.Equal(counted, HeldLines.Bytes(compacted));
        });

    [Fact]
    public void Compacted_LinesThatHoldLittleMoreThanTheyCount_AreLeftWhereTheyAre()
    {
        var arena = new LineArena();
        LogEntry[] entries = Enumerable.Range(0, 100)
            .Select(i => new LogEntry(i, arena.Add(Encoding.UTF8.GetBytes(new string('y', 1000))), StreamKind.Function, MetadataPairs.Empty))
            .ToArray();

        Assert.Same(entries, HeldLines.Compacted(entries, 100 * 1000));
    }
}
