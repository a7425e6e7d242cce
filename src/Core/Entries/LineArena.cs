using System.Text;
using System.Text.Unicode;

namespace LokiLambdaExtension.Core.Entries;

/// <summary>Where received lines are written: 128 KiB chunks filled front to back, so a line costs its bytes and no
/// allocation of its own. A filled chunk is simply left behind; the lines that point into it keep it alive, and the
/// GC collects it with the last of them. Chunks are over the large-object threshold (85,000 bytes) on purpose: lines
/// live until they are pushed (the invocation, or ~200 ms on a busy Managed Instance), longer than a 1 MiB gen0
/// budget lasts, so a small-object chunk was copied by every gen0 and gen1 collection that found it alive; a large
/// object is never copied, only freed at a full collection (managed bench, CPU per line 4.28 -> 2.90-3.30 µs).
/// Chunks are still zeroed: a large object's memory may have held other bytes, and a line must never show what it did
/// not write. Bytes once written are never changed: lines in the core's immutable state can point into the chunk
/// still being filled. One writer at a time (the telemetry listener's thread).</summary>
internal sealed class LineArena
{
    internal const int ChunkBytes = 128 * 1024;
    /// <summary>None until the first line: a chunk made at start showed in the start-up profile (page faults), and the
    /// first line may come long after.</summary>
    private byte[] _chunk = [];
    private int _used;

    /// <summary>Room for a line of at most <paramref name="maxBytes"/>: write into it, then <see cref="Commit"/> the
    /// bytes written. A line longer than a chunk gets an array of its own.</summary>
    internal Span<byte> Reserve(int maxBytes)
    {
        if (maxBytes > ChunkBytes)
        {
            _chunk = new byte[maxBytes];
            _used = 0;
        }
        else if (_used + maxBytes > _chunk.Length)
        {
            _chunk = new byte[ChunkBytes];
            _used = 0;
        }
        return _chunk.AsSpan(_used, maxBytes);
    }

    /// <summary>The room left in the chunk being filled (a new chunk when less than <see cref="MinRoom"/> is left), for
    /// a line whose length is known only once written: write into it, then <see cref="Commit"/> the bytes written. The
    /// same room until a line is committed or room reserved.</summary>
    internal Span<byte> Room()
    {
        if (_chunk.Length - _used < MinRoom)
        {
            _chunk = new byte[ChunkBytes];
            _used = 0;
        }
        return _chunk.AsSpan(_used);
    }

    /// <summary>Less than this left in a chunk is left unused by <see cref="Room"/>: a line's typical few hundred bytes
    /// would not fit, and would be written twice (see <see cref="Telemetry.RecordLine.Scan"/>).</summary>
    private const int MinRoom = 1024;

    /// <summary>Seals the first <paramref name="length"/> bytes of the last <see cref="Reserve"/>d room as a line,
    /// repairing invalid UTF-8 with U+FFFD (one bad byte costs a character, not the line).</summary>
    internal Utf8Line Commit(int length)
    {
        ReadOnlySpan<byte> written = _chunk.AsSpan(_used, length);
        if (!Utf8.IsValid(written))
        {
            return Repaired(written);
        }
        var line = new Utf8Line(_chunk, _used, length);
        _used += length;
        return line;
    }

    /// <summary>Where the next line would be written.</summary>
    internal readonly record struct Mark(byte[] Chunk, int Used);

    internal Mark Marked() => new(_chunk, _used);

    /// <summary>Gives up the lines written since <paramref name="mark"/> (nothing may hold them: a body read again from
    /// its start): the next line goes where the first of them went, or, when they began another chunk, at the start of
    /// the chunk now being filled, which holds nothing else.</summary>
    internal void RollBack(Mark mark) => _used = ReferenceEquals(_chunk, mark.Chunk) ? mark.Used : 0;

    /// <summary>Writes a copy of <paramref name="utf8"/> as a line.</summary>
    internal Utf8Line Add(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        return Commit(utf8.Length);
    }

    private Utf8Line Repaired(ReadOnlySpan<byte> invalid)
    {
        // Rare: the repaired text is written over the room it came from (or anew, when replacement made it longer).
        string text = Encoding.UTF8.GetString(invalid);
        int length = Encoding.UTF8.GetByteCount(text);
        Span<byte> room = length <= invalid.Length ? _chunk.AsSpan(_used, length) : Reserve(length);
        Encoding.UTF8.GetBytes(text, room);
        var line = new Utf8Line(_chunk, _used, length);
        _used += length;
        return line;
    }
}
