using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Properties;

/// <summary>The memo of recent field values changes what is allocated, never what is read.</summary>
public sealed class RecentStringsProperties
{
    /// <summary>Values that share lengths, heads and tails (request ids differing in one byte, levels), so that they meet
    /// in slots, and any bytes at all (invalid UTF-8, and values too long to be kept).</summary>
    private static Gen<byte[]> Values => Gen.OneOf(
        Gen.Choose(0, 15).Select(n => Encoding.UTF8.GetBytes($"6d68ca91-49c9-448d-89b8-7ca3e6dc66a{n:x}")),
        Gen.Elements("INFO", "info", "WARN", "", "é", "\ufffd").Select(Encoding.UTF8.GetBytes),
        Gen.Elements<byte[]>([0xC3], [0xFF, 0xFE], [.. Enumerable.Repeat((byte)'x', 65)]),
        ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []));

    [Property(MaxTest = 300)]
    public Property Of_AnySequenceOfValues_IsEachValuesOwnString() => Prop.ForAll(Values.ArrayOf().ToArbitrary(), values =>
    {
        foreach (byte[] value in values)
        {
            Assert.Equal(Encoding.UTF8.GetString(value), RecentStrings.Of(value));
        }
    });

    [Fact]
    public void Of_ValuesSeenAgain_AreTheStringsMadeTheFirstTime()
    {
        // Sixteen concurrent requests' ids, alike but for a few bytes in the middle, their lines interleaved.
        byte[][] requestIds = [.. Enumerable.Range(0, 16).Select(r => Encoding.UTF8.GetBytes($"00000042-{r:D4}-4000-8000-000000000000"))];

        string[] first = [.. requestIds.Select(id => RecentStrings.Of(id))];

        Assert.All(Enumerable.Range(0, 16), r => Assert.Same(first[r], RecentStrings.Of([.. requestIds[r]])));
    }
}
