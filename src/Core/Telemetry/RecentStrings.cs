using System.Buffers.Binary;
using System.Text;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The strings of record fields read lately: a JSON log line's request id and level are the same on line after
/// line (an invocation's lines share them), and a string made anew for each was most of what a busy Managed Instance's
/// parsing left to the collector. A value is found in a set of slots, picked by a hash of all its bytes (request ids made
/// alike but for a few bytes in the middle must not share one), and compared byte for byte; a miss makes the string as
/// before and takes the slot, so a value seen once costs what it did. Only ASCII values are kept (as their strings:
/// compared with the bytes as they are). What is returned is always the string of those bytes: the memo changes what
/// is allocated, never what is read.</summary>
internal static class RecentStrings
{
    /// <summary>A value is looked for in the four slots of its set: values that hash alike can all be in use (a Managed
    /// Instance's concurrent requests).</summary>
    private const int Ways = 4;
    private const int SetBits = 6;

    /// <summary>Longer values are made anew each time (no field worth keeping is that long).</summary>
    private const int MaxBytes = 64;

    /// <summary>One table per thread (intake reads one body at a time on its thread), so no lock.</summary>
    [ThreadStatic]
    private static string?[]? _slots;

    /// <summary>The string of a JSON string's bytes between its quotes (see <see cref="TelemetryBodyParser.ReadString"/>).</summary>
    public static string Read(ReadOnlySpan<byte> raw, bool escaped) =>
        escaped || raw.Length > MaxBytes ? TelemetryBodyParser.ReadString(raw, escaped) : Of(raw);

    /// <summary>The string of <paramref name="utf8"/> (invalid UTF-8 as U+FFFD), made once while it is seen often.</summary>
    internal static string Of(ReadOnlySpan<byte> utf8)
    {
        Span<string?> set = (_slots ??= new string?[Ways << SetBits]).AsSpan((int)(Hash(utf8) >> (64 - SetBits)) * Ways, Ways);
        foreach (string? slot in set)
        {
            if (slot is not null && slot.Length == utf8.Length && Ascii.Equals(utf8, slot))
            {
                return slot;
            }
        }
        string value = Encoding.UTF8.GetString(utf8);
        if (Ascii.IsValid(utf8))
        {
            // The newest first; the set's oldest value goes.
            set[..^1].CopyTo(set[1..]);
            set[0] = value;
        }
        return value;
    }

    /// <summary>A hash of all the bytes, eight at a time, each word multiplied in: enough to spread ids that differ in any
    /// byte over the sets (a crafted collision only costs a miss). XxHash3 cost three times as much on a 36-byte id, its
    /// 128-bit multiplies done in software on the binary's baseline instruction set.</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15; // 2^64 / the golden ratio, odd
        ulong hash = (ulong)bytes.Length * Multiplier;
        while (bytes.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * Multiplier;
            hash ^= hash >> 32;
            bytes = bytes[8..];
        }
        ulong tail = 0;
        foreach (byte b in bytes)
        {
            tail = (tail << 8) | b;
        }
        hash = (hash ^ tail) * Multiplier;
        return hash ^ (hash >> 29);
    }
}
