using System.Text;
using System.Text.Unicode;

namespace LokiLambdaExtension.Core.Entries;

/// <summary>A log line as the UTF-8 bytes Loki stores: a slice of an array that is written once and never changed
/// (usually a <see cref="LineArena"/> chunk shared by many lines). Lines stay UTF-8 from the Telemetry API body to
/// the push: half the memory of a string for ASCII text, no object per line, nothing to transcode when encoding.
/// Always valid UTF-8: whatever was not is repaired with U+FFFD on the way in.</summary>
internal readonly struct Utf8Line : IEquatable<Utf8Line>
{
    private readonly byte[]? _bytes;
    private readonly int _start;
    private readonly int _length;

    internal Utf8Line(byte[] bytes, int start, int length)
    {
        _bytes = bytes;
        _start = start;
        _length = length;
    }

    public static Utf8Line Empty => default;

    public ReadOnlySpan<byte> Span => _bytes is null ? default : new ReadOnlySpan<byte>(_bytes, _start, _length);

    /// <summary>The length in bytes.</summary>
    public int Length => _length;

    /// <summary>A line of its own array, for lines made rather than received (platform lines, reports, tests).</summary>
    public static Utf8Line From(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return new Utf8Line(bytes, 0, bytes.Length);
    }

    /// <summary>A line over <paramref name="bytes"/> themselves, which the caller hands over and never changes.</summary>
    internal static Utf8Line Adopt(byte[] bytes) =>
        Utf8.IsValid(bytes) ? new Utf8Line(bytes, 0, bytes.Length) : From(Encoding.UTF8.GetString(bytes));

    /// <summary>The array the line is a slice of: what it keeps alive (a whole arena chunk, for a short line).</summary>
    internal byte[]? Array => _bytes;

    /// <summary>Whether both lines are slices of the same array (what keeps an arena chunk alive).</summary>
    internal bool SharesArrayWith(Utf8Line other) => _bytes is not null && ReferenceEquals(_bytes, other._bytes);

    public bool StartsWith(ReadOnlySpan<byte> prefix) => Span.StartsWith(prefix);

    public bool Equals(Utf8Line other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is Utf8Line other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(Utf8Line left, Utf8Line right) => left.Equals(right);

    public static bool operator !=(Utf8Line left, Utf8Line right) => !left.Equals(right);

    public override string ToString() => Encoding.UTF8.GetString(Span);
}
