namespace LokiLambdaExtension.Core.Wire;

/// <summary>Unsigned integers seven bits a byte, low bits first, the high bit saying more follow: protobuf's varints
/// and <c>BinaryWriter</c>'s string lengths alike.</summary>
internal static class SevenBit
{
    public static int Length(uint value)
    {
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    public static int Write(uint value, Span<byte> destination)
    {
        int at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[at++] = (byte)value;
        return at;
    }

    /// <summary>The value at <paramref name="at"/>, moving past it; null when the bytes end first or it does not fit an int.</summary>
    public static int? Read(ReadOnlySpan<byte> bytes, ref int at)
    {
        // Wide enough that no bit of a fifth byte is lost: 4 GiB must not read as 0.
        ulong value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length)
            {
                return null;
            }
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value <= int.MaxValue ? (int)value : null;
            }
        }
        return null;
    }
}
