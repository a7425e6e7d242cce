namespace LokiLambdaExtension.Core.Entries;

/// <summary>A name/value pair of Loki structured metadata (<c>LabelPairAdapter</c> on the wire), with the UTF-8 lengths of
/// both counted once when the pair is made: the encoder needs them for every entry that carries the pair, several times
/// per push (sizes come before bytes), and counting them there was a tenth of a busy Managed Instance's CPU. Not a
/// record: a <c>with</c> would keep the lengths of the value it replaced.</summary>
internal readonly struct MetadataPair : IEquatable<MetadataPair>
{
    public MetadataPair(string name, string value)
    {
        Name = name;
        Value = value;
        NameBytes = System.Text.Encoding.UTF8.GetByteCount(name);
        ValueBytes = System.Text.Encoding.UTF8.GetByteCount(value);
    }

    public string Name { get; }

    public string Value { get; }

    /// <summary>UTF-8 length of <see cref="Name"/> as written (a lone surrogate becomes U+FFFD, 3 bytes).</summary>
    public int NameBytes { get; }

    /// <summary>UTF-8 length of <see cref="Value"/> as written.</summary>
    public int ValueBytes { get; }

    public bool Equals(MetadataPair other) => Name == other.Name && Value == other.Value;

    public override bool Equals(object? obj) => obj is MetadataPair other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Name, Value);

    public override string ToString() => $"{Name}={Value}";
}

/// <summary>An entry's structured metadata: an immutable array that lines of one invocation can share.</summary>
internal readonly struct MetadataPairs : IEquatable<MetadataPairs>
{
    private readonly MetadataPair[]? _pairs;

    public MetadataPairs(MetadataPair[] pairs) => _pairs = pairs;

    public static MetadataPairs Empty => default;

    public ReadOnlySpan<MetadataPair> Span => _pairs;

    public int Count => _pairs?.Length ?? 0;

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

    public override string ToString() => string.Join(", ", (_pairs ?? []).Select(p => $"{p.Name}={p.Value}"));
}
