using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The strings of record fields read lately, by their UTF-8: a JSON log line's request id and level are the
/// same on line after line (an invocation's lines share them), and a string made anew for each was most of what a busy
/// Managed Instance's parsing left to the collector. A value is found in one slot, picked by its length and bytes, and
/// compared byte for byte; a miss makes the string as before and takes the slot. What is returned is always the string
/// of those bytes: the memo changes what is allocated, never what is read.</summary>
internal static class RecentStrings
{
    private const int SlotBits = 6;
    private const int Slots = 1 << SlotBits;

    /// <summary>Longer values are made anew each time (no field worth keeping is that long).</summary>
    private const int MaxBytes = 64;

    /// <summary>One table per thread (intake reads one body at a time on its thread), so no lock.</summary>
    [ThreadStatic]
    private static (byte[] Utf8, string Value)[]? _slots;

    /// <summary>The string token <paramref name="reader"/> is on (see <see cref="TelemetryBodyParser.ReadString"/>).</summary>
    public static string Read(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.ValueSpan.Length > MaxBytes ? TelemetryBodyParser.ReadString(ref reader) : Of(reader.ValueSpan);

    /// <summary>The string of <paramref name="utf8"/> (invalid UTF-8 as U+FFFD), made once while it is seen often.</summary>
    internal static string Of(ReadOnlySpan<byte> utf8)
    {
        var slots = _slots ??= new (byte[], string)[Slots];
        ref (byte[] Utf8, string Value) slot = ref slots[SlotOf(utf8)];
        if (slot.Utf8 is { } known && known.AsSpan().SequenceEqual(utf8))
        {
            return slot.Value;
        }
        string value = Encoding.UTF8.GetString(utf8);
        slot = (utf8.ToArray(), value);
        return value;
    }

    private static int SlotOf(ReadOnlySpan<byte> utf8)
    {
        ulong hash = (ulong)utf8.Length;
        if (utf8.Length >= sizeof(ulong))
        {
            hash ^= BinaryPrimitives.ReadUInt64LittleEndian(utf8) ^ (BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]) * 31);
        }
        else
        {
            foreach (byte b in utf8)
            {
                hash = (hash << 8) | b;
            }
        }
        return (int)((hash * 0x9E3779B97F4A7C15UL) >> (64 - SlotBits));
    }
}
