namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Adds a loss report to the buffer: it goes to Loki with the rest, in the extension's stream.</summary>
internal static class Losses
{
    public static ExtensionState Add(ExtensionState state, long lines, long bytes, string reason, string cause)
    {
        if (lines <= 0)
        {
            return state;
        }
        var (entry, stamps) = state.Stamps.Stamp(LossReport.Entry(state.NowMs, lines, bytes, reason, cause));
        return state with
        {
            Stamps = stamps,
            Buffer = state.Buffer.Add(entry),
            Counters = state.Counters with { Generated = state.Counters.Generated + 1 },
        };
    }
}
