using System.Collections.Immutable;
using System.Text;
using LokiLambdaExtension.Core.Loki;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>How spilled entries are laid out in a spool file: a magic and version, the count, then each entry's time,
/// stream, line and metadata, strings as UTF-8. A file that does not read back whole is refused with
/// <see cref="InvalidDataException"/>, never half-read.</summary>
public static class SpoolFormat
{
    private static readonly byte[] Magic = "LKS1"u8.ToArray();

    public static byte[] Write(ImmutableArray<LogEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(entries.Length);
            foreach (LogEntry entry in entries)
            {
                writer.Write(entry.UnixNanos);
                writer.Write((byte)entry.Stream);
                // As BinaryWriter writes a string: a 7-bit encoded byte count, then the UTF-8.
                writer.Write7BitEncodedInt(entry.Line.Length);
                writer.Write(entry.Line.Span);
                writer.Write(entry.Metadata.Count);
                foreach (MetadataPair pair in entry.Metadata.Span)
                {
                    writer.Write(pair.Name);
                    writer.Write(pair.Value);
                }
            }
        }
        return buffer.ToArray();
    }

    public static ImmutableArray<LogEntry> Read(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("not a spool file (bad magic)");
            }
            int count = reader.ReadInt32();
            if (count < 0 || count > bytes.Length)
            {
                throw new InvalidDataException($"impossible entry count {count}");
            }
            var entries = ImmutableArray.CreateBuilder<LogEntry>(count);
            for (int i = 0; i < count; i++)
            {
                long nanos = reader.ReadInt64();
                var stream = (StreamKind)reader.ReadByte();
                Utf8Line line = ReadLine(reader);
                int pairs = reader.ReadInt32();
                if (pairs < 0 || pairs > 1024 || !Enum.IsDefined(stream))
                {
                    throw new InvalidDataException($"entry {i} is corrupt");
                }
                var metadata = new MetadataPair[pairs];
                for (int p = 0; p < pairs; p++)
                {
                    metadata[p] = new MetadataPair(reader.ReadString(), reader.ReadString());
                }
                entries.Add(new LogEntry(nanos, line, stream, new MetadataPairs(metadata)));
            }
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new InvalidDataException("trailing bytes after the last entry");
            }
            return entries.MoveToImmutable();
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the file is cut short");
        }
    }

    private static Utf8Line ReadLine(BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new EndOfStreamException();
        }
        return Utf8Line.Adopt(reader.ReadBytes(length));
    }
}
