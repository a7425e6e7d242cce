namespace LokiLambdaExtension.Core.Entries;

/// <summary>A name/value pair of Loki structured metadata (<c>LabelPairAdapter</c> on the wire), with the UTF-8 of
/// both made once when the pair is made: the encoder writes them for every entry that carries the pair, and the pairs
/// of an invocation's lines are shared, so transcoding them there was per line (counting their lengths there was a
/// tenth of a busy Managed Instance's CPU; transcoding them, 2% of the CPU of 50,000 lines). Not a record: a
/// <c>with</c> would keep the bytes of the value it replaced.</summary>
internal readonly struct MetadataPair : IEquatable<MetadataPair>
{
    private readonly byte[]? _nameUtf8;
    private readonly byte[]? _valueUtf8;

    public MetadataPair(string name, string value)
    {
        Name = name;
        Value = value;
        _nameUtf8 = System.Text.Encoding.UTF8.GetBytes(name);
        _valueUtf8 = System.Text.Encoding.UTF8.GetBytes(value);
    }

    public string Name { get; }

    public string Value { get; }

    /// <summary><see cref="Name"/> as written (a lone surrogate becomes U+FFFD, 3 bytes).</summary>
    public ReadOnlySpan<byte> NameUtf8 => _nameUtf8;

    /// <summary><see cref="Value"/> as written.</summary>
    public ReadOnlySpan<byte> ValueUtf8 => _valueUtf8;

    public int NameBytes => _nameUtf8?.Length ?? 0;

    public int ValueBytes => _valueUtf8?.Length ?? 0;

    public bool Equals(MetadataPair other) => Name == other.Name && Value == other.Value;

    public override bool Equals(object? obj) => obj is MetadataPair other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Name, Value);

    public override string ToString() => $"{Name}={Value}";
}

/// <summary>An entry's structured metadata: an immutable array that lines of one invocation can share, with the pairs
/// as a push carries them (<see cref="Wire"/>) written once when the pairs are made: an invocation's lines share their
/// pairs, so writing them into the push line by line, field by field, was per line (a tenth of the CPU of 50,000 lines
/// went to sizing and writing them).</summary>
internal readonly struct MetadataPairs : IEquatable<MetadataPairs>
{
    private readonly Encoded? _encoded;

    public MetadataPairs(MetadataPair[] pairs) => _encoded = pairs.Length == 0 ? null : new Encoded(pairs, PushRequestEncoder.StructuredMetadata(pairs));

    private sealed record Encoded(MetadataPair[] Pairs, byte[] Wire);

    public static MetadataPairs Empty => default;

    public ReadOnlySpan<MetadataPair> Span => _encoded is null ? default : _encoded.Pairs;

    public int Count => _encoded?.Pairs.Length ?? 0;

    /// <summary>The pairs as an <c>EntryAdapter</c> carries them: its <c>structuredMetadata</c> fields, each a
    /// <c>LabelPairAdapter</c>, one after another.</summary>
    public ReadOnlySpan<byte> Wire => _encoded is null ? default : _encoded.Wire;

    /// <summary>The value of the pair named <paramref name="name"/>, if the entry carries one.</summary>
    public string? ValueOf(string name)
    {
        foreach (MetadataPair pair in Span)
        {
            if (pair.Name == name)
            {
                return pair.Value;
            }
        }
        return null;
    }

    public bool Equals(MetadataPairs other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is MetadataPairs other && Equals(other);

    public override int GetHashCode() => Count;

    public override string ToString() => string.Join(", ", (_encoded?.Pairs ?? []).Select(p => $"{p.Name}={p.Value}"));
}
