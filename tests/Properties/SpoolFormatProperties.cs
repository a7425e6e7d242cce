using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class SpoolFormatProperties
{
    [Property(MaxTest = 200)]
    public Property WriteThenRead_AnyEntries_GivesThemBack() => Prop.ForAll(Generators.Entries, entries =>
    {
        var written = ImmutableArray.Create(entries);

        var read = SpoolFormat.Read(SpoolFormat.Write(written));

        Assert.Equal(written.Length, read.Length);
        for (int i = 0; i < read.Length; i++)
        {
            Assert.Equal((written[i].UnixNanos, written[i].Line, written[i].Stream), (read[i].UnixNanos, read[i].Line, read[i].Stream));
            Assert.Equal(written[i].Metadata.Span.ToArray().Select(p => (Utf8.RoundTrip(p.Name), Utf8.RoundTrip(p.Value))),
                read[i].Metadata.Span.ToArray().Select(p => (p.Name, p.Value)));
        }
    });

    [Property(MaxTest = 200)]
    public Property Read_ACutOrCorruptedFile_IsRefusedWhole() =>
        Prop.ForAll(Generators.Entries, Gen.Choose(0, 1000).ToArbitrary(), (entries, cut) =>
        {
            byte[] bytes = SpoolFormat.Write(ImmutableArray.Create(entries));
            byte[] damaged = bytes[..Math.Min(cut, bytes.Length - 1)];

            Assert.Throws<InvalidDataException>(() => SpoolFormat.Read(damaged));
        });
}
