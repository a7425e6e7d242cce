namespace LokiLambdaExtension.Shell;

/// <summary>The header lines of an HTTP/1.1 head (after its first line, without the blank line that ends it), as
/// name and value spans, the value's spaces and tabs trimmed: what the telemetry listener reads of a request and
/// <see cref="Http.HttpConnection"/> of an answer. A line without a name before its colon is
/// <see cref="HeaderLine.IsMalformed"/>: the listener refuses such a request, the connection passes over it.</summary>
internal ref struct HeaderLines(ReadOnlySpan<byte> lines)
{
    private ReadOnlySpan<byte> _rest = lines;

    public HeaderLine Current { get; private set; }

    public readonly HeaderLines GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }
        int end = _rest.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = end < 0 ? _rest : _rest[..end];
        _rest = end < 0 ? [] : _rest[(end + 2)..];
        int colon = line.IndexOf((byte)':');
        Current = colon <= 0 ? default : new HeaderLine(line[..colon], line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t'));
        return true;
    }
}

/// <summary>One header: its name as sent, and its value.</summary>
internal readonly ref struct HeaderLine(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
{
    public ReadOnlySpan<byte> Name { get; } = name;

    public ReadOnlySpan<byte> Value { get; } = value;

    public bool IsMalformed => Name.IsEmpty;

    /// <summary>Whether the name is <paramref name="lowerCase"/>, whatever its case.</summary>
    public bool Is(ReadOnlySpan<byte> lowerCase) => System.Text.Ascii.EqualsIgnoreCase(Name, lowerCase);
}
