namespace LokiLambdaExtension.Core.Entries;

/// <summary>A name/value pair of Loki structured metadata (<c>LabelPairAdapter</c> on the wire).</summary>
public readonly record struct MetadataPair(string Name, string Value);

/// <summary>An entry's structured metadata: an immutable array that lines of one invocation can share.</summary>
public readonly struct MetadataPairs : IEquatable<MetadataPairs>
{
    private readonly MetadataPair[]? _pairs;

    public MetadataPairs(MetadataPair[] pairs) => _pairs = pairs;

    public static MetadataPairs Empty => default;

    public ReadOnlySpan<MetadataPair> Span => _pairs;

    public int Count => _pairs?.Length ?? 0;

    public bool Equals(MetadataPairs other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is MetadataPairs other && Equals(other);

    public override int GetHashCode() => Count;

    public override string ToString() => string.Join(", ", (_pairs ?? []).Select(p => $"{p.Name}={p.Value}"));
}
