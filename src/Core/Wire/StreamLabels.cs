namespace LokiLambdaExtension.Core.Wire;

/// <summary>The rendered label set of each stream. Labels are fixed for the life of the process, so they are rendered
/// once at start and the encoder only copies them.</summary>
public sealed record StreamLabels(string Function, string Platform, string Extension)
{
    public string For(StreamKind stream) => stream switch
    {
        StreamKind.Function => Function,
        StreamKind.Platform => Platform,
        _ => Extension,
    };

    /// <summary>Labels for a function: <c>service_name</c> plus <c>source</c> per stream, and any extra labels.</summary>
    public static StreamLabels Create(IReadOnlyList<KeyValuePair<string, string>> common) => new(
        LabelSet.Render([.. common, new("source", "function")]),
        LabelSet.Render([.. common, new("source", "platform")]),
        LabelSet.Render([.. common, new("source", "extension")]));
}
