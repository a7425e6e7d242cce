using System.Runtime.CompilerServices;

namespace LokiLambdaExtension.Core.Wire;

/// <summary>Unsigned integers seven bits a byte, low bits first, the high bit saying more follow: the one varint of
/// the project, for protobuf's fields (<see cref="Protobuf.ProtobufWriter"/>, <see cref="Protobuf.ProtobufSize"/>),
/// snappy's length prefix (<see cref="InPlaceSnappy"/>) and the spool file's string lengths (<c>BinaryWriter</c>'s
/// layout) alike.</summary>
internal static class SevenBit
{
    /// <summary>The bytes <paramref name="value"/> takes: each carries 7 bits, and a zero still takes one. Inlined:
    /// every field of every entry is sized with it (see <see cref="Protobuf.ProtobufSize"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(ulong value)
    {
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    public static int Write(ulong value, Span<byte> destination)
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

    /// <summary>Moves past a varint of up to ten bytes (a 64-bit value); false when the bytes end first or it is longer.</summary>
    public static bool Skip(ReadOnlySpan<byte> bytes, ref int at)
    {
        for (int i = 0; i < 10 && at < bytes.Length; i++)
        {
            if (bytes[at++] < 0x80)
            {
                return true;
            }
        }
        return false;
    }
}
