using System.Runtime.CompilerServices;
using System.Text;

namespace LokiLambdaExtension.Core.Wire.Protobuf;

/// <summary>Sizes of protobuf fields, computed before writing so that nested messages get their length prefix first
/// (as Google.Protobuf's <c>CodedOutputStream.Compute*Size</c> do). The small ones are inlined by request: the binary is
/// optimised for size, which made each a call, a dozen times an entry (10% of the CPU of 50,000 lines: figures.md).</summary>
internal static class ProtobufSize
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Varint(ulong value) => SevenBit.Length(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Tag(int fieldNumber) => Varint((ulong)(fieldNumber << 3));

    /// <summary>A length-delimited field holding <paramref name="length"/> bytes, tag and prefix included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LengthDelimitedField(int fieldNumber, int length) => Tag(fieldNumber) + Varint((ulong)length) + length;

    public static int StringField(int fieldNumber, string value) =>
        value.Length == 0 ? 0 : LengthDelimitedField(fieldNumber, Utf8Length(value));

    /// <summary>A string field whose UTF-8 length is known already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StringField(int fieldNumber, int utf8Length) =>
        utf8Length == 0 ? 0 : LengthDelimitedField(fieldNumber, utf8Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StringField(int fieldNumber, ReadOnlySpan<byte> utf8) =>
        utf8.IsEmpty ? 0 : LengthDelimitedField(fieldNumber, utf8.Length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintField(int fieldNumber, ulong value) => value == 0 ? 0 : Tag(fieldNumber) + Varint(value);

    /// <summary>UTF-8 length as written: lone surrogates become U+FFFD (3 bytes), as <see cref="Encoding.UTF8"/> writes them.</summary>
    public static int Utf8Length(string value) => Encoding.UTF8.GetByteCount(value);
}
