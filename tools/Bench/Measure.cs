using System.Globalization;

/// <summary>One number a section measured in one round, in its unit, and what it is judged against (if anything).</summary>
internal sealed record Measure(string Name, double Value, string Unit, Target? Target = null, string Format = "F1")
{
    public string Show(double value) => $"{value.ToString(Format, CultureInfo.InvariantCulture)} {Unit}".TrimEnd();
}

/// <summary>A target and how a median meets it; <see cref="Met"/> may read other figures' medians (a figure judged
/// against another, e.g. "below end's").</summary>
internal sealed record Target(string Text, Func<double, IReadOnlyDictionary<string, double>, bool> Met)
{
    public static Target AtMost(double limit, string unit) =>
        new($"<= {limit.ToString(CultureInfo.InvariantCulture)} {unit}".TrimEnd(), (value, _) => value <= limit);

    public static Target Exactly(double expected) =>
        new(expected.ToString(CultureInfo.InvariantCulture), (value, _) => value == expected);

    public static Target Below(string otherFigure, string text) =>
        new(text, (value, medians) => medians.TryGetValue(otherFigure, out double other) && value < other);
}
