namespace LokiLambdaExtension.Core.Entries;

/// <summary>What entries really hold in memory. A line is a slice of a 128 KiB <see cref="LineArena"/> chunk shared
/// with the other lines of its body, and keeps the whole chunk alive: once the buffer sheds a body's debug lines and
/// keeps its one error, that error holds the chunk while it counts its own length. Loki down, spool off, a thousand
/// such bodies held 142 MB under a 1 MiB cap (with 64 KiB chunks). Survivors of shedding are therefore copied into one
/// array of their exact size when what they hold is well past what they count, so the cap bounds the memory actually
/// held.</summary>
internal static class HeldLines
{
    /// <summary>Held may pass counted by this factor (and a chunk) before survivors are copied out: copying costs a pass
    /// over them, and shedding under pressure happens body after body.</summary>
    private const int Slack = 2;

    /// <summary>The bytes of the distinct arrays <paramref name="entries"/>' lines are slices of.</summary>
    public static long Bytes(ReadOnlySpan<LogEntry> entries)
    {
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        long held = 0;
        foreach (LogEntry entry in entries)
        {
            if (entry.Line.Array is { } array && arrays.Add(array))
            {
                held += array.Length;
            }
        }
        return held;
    }

    /// <summary><paramref name="entries"/>, their lines copied into one array of their own when what they hold passes
    /// <see cref="Slack"/> times <paramref name="countedBytes"/>; else the same array.</summary>
    public static LogEntry[] Compacted(LogEntry[] entries, long countedBytes)
    {
        if (Bytes(entries) <= Slack * countedBytes + LineArena.ChunkBytes)
        {
            return entries;
        }
        long total = 0;
        foreach (LogEntry entry in entries)
        {
            total += entry.Line.Length;
        }
        // One array of the survivors' exact size: a fresh arena would hold a whole chunk for a single kept line.
        // Their total is bounded by the buffer's cap, far below an array's limit.
        byte[] block = new byte[total];
        var copied = new LogEntry[entries.Length];
        int used = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            ReadOnlySpan<byte> line = entries[i].Line.Span;
            line.CopyTo(block.AsSpan(used));
            copied[i] = entries[i] with { Line = new Utf8Line(block, used, line.Length) };
            used += line.Length;
        }
        return copied;
    }
}
