using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

/// <summary>What the sections share: medians and percentiles of a round's samples, the invocation they play, and how
/// pushes of the function's stream are counted.</summary>
internal static class Bench
{
    public static double Median(List<double> values) => Percentile(values, 0.5);

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];
    }

    /// <summary>Pushes of the function's stream: each stream goes in a push request of its own.</summary>
    public static int FunctionPushes(LokiReceiver loki) =>
        loki.Entries.Where(e => e.LabelMap["source"] == "function").Select(e => e.PushIndex).Distinct().Count();

    public static Invocation Invocation(int number, int lines, int bytes) => new(
        $"{number:D8}-0000-4000-8000-000000000000",
        [.. Enumerable.Range(0, lines).Select(n => new TelemetryLine.Text($"line {n} ".PadRight(bytes - 60, 'x')))]) { RuntimeDurationMs = 20 };
}
