using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace LokiLambdaExtension.Core.Spool;

/// <summary>How spilled entries are laid out in a spool file: a magic and version, the count (int32), then each entry's
/// time (int64), stream (a byte), Loki tenant (empty for the configured one; since version 2), line and metadata pairs
/// (an int32 count); the line and every string as a 7-bit encoded byte count and UTF-8, little-endian throughout (the
/// layout <c>BinaryWriter</c> wrote). Version 1 files, without tenants, still read back. Written as the push encoder is: size first, then into a span. A file that does not read back
/// whole is refused with <see cref="InvalidDataException"/>, never half-read.</summary>
internal static class SpoolFormat
{
    private static ReadOnlySpan<byte> Magic => "LKS2"u8;

    private static ReadOnlySpan<byte> MagicWithoutTenants => "LKS1"u8;

    /// <summary>Largest metadata pair count a sane entry has; more means the file is corrupt.</summary>
    private const int MaxPairs = 1024;

    public static int GetEncodedLength(ReadOnlySpan<LogEntry> entries)
    {
        int length = Magic.Length + sizeof(int);
        foreach (LogEntry entry in entries)
        {
            length += sizeof(long) + 1 + Sized(entry.Tenant is { } tenant ? Encoding.UTF8.GetByteCount(tenant) : 0) + Sized(entry.Line.Length) + sizeof(int);
            foreach (MetadataPair pair in entry.Metadata.Span)
            {
                length += Sized(pair.NameBytes) + Sized(pair.ValueBytes); // counted once, when the pair was made
            }
        }
        return length;
    }

    /// <summary>Writes <paramref name="entries"/> into <paramref name="destination"/>, which holds at least
    /// <see cref="GetEncodedLength"/> bytes; returns how many were written.</summary>
    public static int Encode(ReadOnlySpan<LogEntry> entries, Span<byte> destination)
    {
        Magic.CopyTo(destination);
        int at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], entries.Length);
        at += sizeof(int);
        foreach (LogEntry entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], entry.UnixNanos);
            at += sizeof(long);
            destination[at++] = (byte)entry.Stream;
            at += WriteString(entry.Tenant ?? "", destination[at..]);
            at += WriteBytes(entry.Line.Span, destination[at..]);
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], entry.Metadata.Count);
            at += sizeof(int);
            foreach (MetadataPair pair in entry.Metadata.Span)
            {
                at += WriteBytes(pair.NameUtf8, destination[at..]);
                at += WriteBytes(pair.ValueUtf8, destination[at..]);
            }
        }
        return at;
    }

    /// <summary>The content of a spool file holding <paramref name="entries"/>.</summary>
    public static byte[] Write(ImmutableArray<LogEntry> entries)
    {
        byte[] content = new byte[GetEncodedLength(entries.AsSpan())];
        Encode(entries.AsSpan(), content);
        return content;
    }

    public static ImmutableArray<LogEntry> Read(ReadOnlySpan<byte> bytes)
    {
        bool tenants = bytes.StartsWith(Magic);
        if (bytes.Length < Magic.Length + sizeof(int) || !(tenants || bytes.StartsWith(MagicWithoutTenants)))
        {
            throw new InvalidDataException(bytes.Length < Magic.Length ? "the file is cut short" : "not a spool file (bad magic)");
        }
        string? tenant = null;
        var reader = new SpanReader(bytes, Magic.Length);
        int count = reader.Int32();
        if (count < 0 || count > bytes.Length)
        {
            throw new InvalidDataException($"impossible entry count {count}");
        }
        var entries = ImmutableArray.CreateBuilder<LogEntry>(count);
        for (int i = 0; i < count; i++)
        {
            long nanos = reader.Int64();
            var stream = (StreamKind)reader.Byte();
            tenant = tenants ? TenantOf(reader.Sized(), tenant, i) : null;
            Utf8Line line = Utf8Line.Adopt(reader.Sized().ToArray());
            int pairs = reader.Int32();
            if (pairs < 0 || pairs > MaxPairs || !Enum.IsDefined(stream))
            {
                throw new InvalidDataException($"entry {i} is corrupt");
            }
            var metadata = new MetadataPair[pairs];
            for (int p = 0; p < pairs; p++)
            {
                metadata[p] = new MetadataPair(Encoding.UTF8.GetString(reader.Sized()), Encoding.UTF8.GetString(reader.Sized()));
            }
            entries.Add(new LogEntry(nanos, line, stream, new MetadataPairs(metadata)) { Tenant = tenant });
        }
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("trailing bytes after the last entry");
        }
        return entries.MoveToImmutable();
    }

    /// <summary>The tenant an entry names: the one before it when the same (one string for the file's entries), checked
    /// as Loki would, since a file in /tmp can be anyone's.</summary>
    private static string? TenantOf(ReadOnlySpan<byte> bytes, string? previous, int entry)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }
        if (previous is not null && Ascii.Equals(bytes, previous))
        {
            return previous; // valid ids are ASCII
        }
        string tenant = Encoding.UTF8.GetString(bytes);
        return LokiTenantIds.IsValid(tenant) ? tenant : throw new InvalidDataException($"entry {entry} names no valid Loki tenant");
    }

    private static int Sized(int length) => SevenBit.Length((uint)length) + length;

    private static int WriteBytes(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        int prefix = SevenBit.Write((uint)bytes.Length, destination);
        bytes.CopyTo(destination[prefix..]);
        return prefix + bytes.Length;
    }

    private static int WriteString(string text, Span<byte> destination)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        int prefix = SevenBit.Write((uint)length, destination);
        return prefix + Encoding.UTF8.GetBytes(text, destination[prefix..]);
    }

    /// <summary>Reads a spool file front to back; running past its end means the file was cut short.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> bytes, int at)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at = at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public byte Byte() => Take(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

        /// <summary>A 7-bit encoded byte count, then that many bytes.</summary>
        public ReadOnlySpan<byte> Sized()
        {
            int length = SevenBit.Read(_bytes, ref _at) ?? throw Cut();
            return Take(length);
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > _bytes.Length - _at)
            {
                throw Cut();
            }
            ReadOnlySpan<byte> taken = _bytes.Slice(_at, length);
            _at += length;
            return taken;
        }

        private static InvalidDataException Cut() => new("the file is cut short");
    }
}
