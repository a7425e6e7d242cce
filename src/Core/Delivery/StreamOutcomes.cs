
namespace LokiLambdaExtension.Core.Delivery;

/// <summary>How Loki answered each stream of a batch. Each stream goes out as a push request of its own: Loki answers
/// a push of several streams with the last stream's error only (loki@v3.4.6 pkg/ingester/instance.go), so a refused
/// stream beside an accepted one would look stored. An outcome for the whole batch (a crash before anything was sent)
/// converts to the same outcome for every stream.</summary>
internal readonly record struct StreamOutcomes(PushOutcome Function, PushOutcome Platform, PushOutcome Extension)
{
    public static implicit operator StreamOutcomes(PushOutcome whole) => new(whole, whole, whole);

    public PushOutcome For(StreamKind stream) => stream switch
    {
        StreamKind.Function => Function,
        StreamKind.Platform => Platform,
        _ => Extension,
    };

    public StreamOutcomes With(StreamKind stream, PushOutcome outcome) => stream switch
    {
        StreamKind.Function => this with { Function = outcome },
        StreamKind.Platform => this with { Platform = outcome },
        _ => this with { Extension = outcome },
    };
}
