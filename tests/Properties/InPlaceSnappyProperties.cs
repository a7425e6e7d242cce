using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Snappier;

namespace LokiLambdaExtension.Properties;

public sealed class InPlaceSnappyProperties
{
    /// <summary>Inputs from empty to several 64 KiB fragments, incompressible (random bytes: the worst case for the
    /// gap before the input), repetitive (long copies), or log-like text, cut at arbitrary lengths.</summary>
    private static Arbitrary<byte[]> Inputs => Gen.Choose(0, 300_000)
        .SelectMany(length => Gen.Choose(0, 2).SelectMany(kind => Gen.Choose(0, int.MaxValue).Select(seed => Input(length, kind, seed))))
        .ToArbitrary();

    [Property(MaxTest = 60)]
    public Property Compress_AnyInput_IsExactlyTheBlockSnappierWrites() => Prop.ForAll(Inputs, input =>
    {
        byte[] whole = new byte[Snappy.GetMaxCompressedLength(input.Length)];
        int wholeLength = Snappy.Compress(input, whole);

        byte[] buffer = new byte[InPlaceSnappy.BufferLength(input.Length)];
        input.CopyTo(buffer.AsSpan(buffer.Length - input.Length));
        int length = InPlaceSnappy.Compress(buffer, input.Length, new byte[InPlaceSnappy.ScratchLength]);

        Assert.Equal(whole.AsSpan(0, wholeLength).ToArray(), buffer.AsSpan(0, length).ToArray());
        Assert.Equal(input, Snappy.DecompressToArray(buffer.AsSpan(0, length)));
    });

    [Fact]
    public void BufferLength_IsAtMostAFewBytesPerFragmentAboveSnappiersBound()
    {
        // One buffer of about 1.17 × the input, where encoding and then compressing took two (2.17 ×).
        foreach (int length in new[] { 0, 1, 65_535, 65_536, 65_537, 2 * 1024 * 1024 })
        {
            Assert.InRange(InPlaceSnappy.BufferLength(length), length, Snappy.GetMaxCompressedLength(length) + 5 + 40 * (length / 65_536 + 1));
        }
    }

    [Fact]
    public void Compress_BufferOfAnotherLength_Throws()
    {
        byte[] buffer = new byte[InPlaceSnappy.BufferLength(100) - 1];
        Assert.Throws<ArgumentException>(() => InPlaceSnappy.Compress(buffer, 100, new byte[InPlaceSnappy.ScratchLength]));
    }

    private static byte[] Input(int length, int kind, int seed)
    {
        var random = new Random(seed);
        byte[] input = new byte[length];
        switch (kind)
        {
            case 0:
                random.NextBytes(input);
                break;
            case 1:
                byte[] pattern = new byte[random.Next(1, 64)];
                random.NextBytes(pattern);
                for (int i = 0; i < length; i++)
                {
                    input[i] = pattern[i % pattern.Length];
                }
                break;
            default:
                for (int i = 0; i < length;)
                {
                    byte[] line = System.Text.Encoding.UTF8.GetBytes($"2026-11-25T12:00:00.{random.Next(1000):D3}Z\tINFO\torder {random.Next()} shipped to {random.Next(99)}\n");
                    int take = Math.Min(line.Length, length - i);
                    line.AsSpan(0, take).CopyTo(input.AsSpan(i));
                    i += take;
                }
                break;
        }
        return input;
    }
}
