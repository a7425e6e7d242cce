using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class Iso8601Properties
{
    private static readonly Gen<DateTimeOffset> Times =
        from ticks in Gen.Choose(0, int.MaxValue).Select(n => (long)n * 2_000_000_000L / int.MaxValue * TimeSpan.TicksPerSecond)
        from extra in Gen.Choose(0, 9_999_999)
        from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
        select new DateTimeOffset(DateTime.UnixEpoch.Ticks + ticks + extra, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    [Property(MaxTest = 500)]
    public Property TryParseUnixNanos_AnyTimeInAnyFormatLambdaWrites_AgreesWithDateTimeOffset() =>
        Prop.ForAll(Times.ToArbitrary(), Gen.Elements("yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffffffzzz", "yyyy-MM-ddTHH:mm:ss.fzzz").ToArbitrary(),
            (time, format) =>
            {
                string text = format.EndsWith('Z')
                    ? time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)
                    : time.ToString(format, CultureInfo.InvariantCulture);
                DateTimeOffset expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

                Assert.True(Iso8601.TryParseUnixNanos(Encoding.UTF8.GetBytes(text), out long nanos), text);
                Assert.Equal((expected.UtcTicks - DateTime.UnixEpoch.Ticks) * 100, nanos);
            });

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-24")]
    [InlineData("2026-13-24T10:00:00.000Z")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("2026-11-24T10:00:00.Z")]
    [InlineData("2026-11-24T10:00:00.000")]
    [InlineData("2026-11-24T10:00:00.000Zjunk")]
    [InlineData("yesterday at noon")]
    public void TryParseUnixNanos_NotATimestamp_IsFalse(string text) =>
        Assert.False(Iso8601.TryParseUnixNanos(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void TryParseUnixNanos_NineFractionDigits_KeepsNanoseconds()
    {
        Assert.True(Iso8601.TryParseUnixNanos("1970-01-01T00:00:01.123456789Z"u8, out long nanos));
        Assert.Equal(1_123_456_789L, nanos);
    }
}
