using System.Globalization;

/// <summary>How the bench states a figure: medians, percentiles, and a verdict against a target.</summary>
internal static class Bench
{
    /// <summary>"met", or by how much the target was missed.</summary>
    public static string AtMost(double measured, double limit, string unit, string format = "F1") =>
        measured <= limit ? "met" : $"**missed by {(measured - limit).ToString(format, CultureInfo.InvariantCulture)} {unit}**";

    public static double Median(List<double> values) => Percentile(values, 0.5);

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
