using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace LokiLambdaExtension.Core.Wire.Protobuf;

/// <summary>Writes protobuf fields into a span that the caller sized with <see cref="ProtobufSize"/>.
/// A ref struct like Google.Protobuf's <c>WriteContext</c>: the position is plain state, nothing is hidden or buffered,
/// and strings are encoded to UTF-8 straight into the destination (lines, already UTF-8, are copied).</summary>
internal ref struct ProtobufWriter
{
    private readonly Span<byte> _destination;
    private int _position;

    public ProtobufWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
    }

    public readonly int Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
    {
        if (value < 0x80)
        {
            _destination[_position++] = (byte)value;
            return;
        }
        WriteVarintSlow(value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteVarintSlow(ulong value) => _position += SevenBit.Write(value, _destination[_position..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteTag(int fieldNumber, WireType wireType) => WriteVarint(((ulong)fieldNumber << 3) | (uint)wireType);

    /// <summary>Starts a nested message whose encoded size the caller has already computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteMessageHeader(int fieldNumber, int length)
    {
        WriteTag(fieldNumber, WireType.LengthDelimited);
        WriteVarint((ulong)length);
    }

    public void WriteVarintField(int fieldNumber, ulong value)
    {
        if (value == 0)
        {
            return; // proto3 omits default values
        }
        WriteTag(fieldNumber, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>A string field transcoded here (a stream's labels, once per stream of a push).</summary>
    public void WriteStringField(int fieldNumber, string value)
    {
        if (value.Length == 0)
        {
            return;
        }
        int utf8Length = ProtobufSize.Utf8Length(value);
        WriteMessageHeader(fieldNumber, utf8Length);
        int written = Encoding.UTF8.GetBytes(value, _destination[_position..]);
        Debug.Assert(written == utf8Length, "the counted length and GetBytes disagree");
        _position += written;
    }

    /// <summary>A string field whose UTF-8 is already at hand (a line, a metadata pair): copied as is.</summary>
    public void WriteStringField(int fieldNumber, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return;
        }
        WriteMessageHeader(fieldNumber, utf8.Length);
        utf8.CopyTo(_destination[_position..]);
        _position += utf8.Length;
    }

    /// <summary>Fields written before (an entry's structured metadata, see <c>MetadataPairs.Wire</c>), copied as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> fields)
    {
        fields.CopyTo(_destination[_position..]);
        _position += fields.Length;
    }
}
