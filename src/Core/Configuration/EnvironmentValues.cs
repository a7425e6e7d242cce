using System.Text;
using System.Text.RegularExpressions;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The environment with one reader per kind of value, each reporting its problem in the same words.</summary>
internal sealed class EnvironmentValues(IReadOnlyDictionary<string, string> values, List<string> problems)
{
    public string Get(string name) => values.TryGetValue(name, out string? value) ? value.Trim() : "";

    public int Int(string name, int fallback, int min, int max, string unit)
    {
        string text = Get(name);
        if (text.Length == 0)
        {
            return fallback;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
            && value >= min && value <= max)
        {
            return value;
        }
        problems.Add($"{name}='{Shorten(text)}' is not a {unit} from {min} to {max}; using {fallback}");
        return fallback;
    }

    /// <summary>A number the platform bounds: out of bounds is brought inside them, and said.</summary>
    public int Clamped(string name, int fallback, int min, int max)
    {
        string text = Get(name);
        if (text.Length == 0)
        {
            return fallback;
        }
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value))
        {
            problems.Add($"{name}='{Shorten(text)}' is not a whole number (the platform takes {min} to {max}); using {fallback}");
            return fallback;
        }
        long clamped = Math.Clamp(value, min, max);
        if (clamped != value)
        {
            problems.Add($"{name}={value} is outside the platform's bounds {min} to {max}; using {clamped}");
        }
        return (int)clamped;
    }

    public T Choice<T>(string name, T fallback, params (string Word, T Value)[] choices)
    {
        string text = Get(name);
        if (text.Length == 0)
        {
            return fallback;
        }
        foreach (var (word, value) in choices)
        {
            if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        problems.Add($"{name}='{Shorten(text)}' is not one of {string.Join(", ", choices.Select(c => c.Word))}; using {choices.First(c => Equals(c.Value, fallback)).Word}");
        return fallback;
    }

    public Regex? Pattern(string name)
    {
        string text = Get(name);
        if (text.Length == 0)
        {
            return null;
        }
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, LineFilter.MatchTimeout);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{name}='{Shorten(text)}' is not a valid .NET regular expression ({e.Message}); not applied");
            return null;
        }
    }

    /// <summary>A bad value as a problem message quotes it: at most 80 characters.</summary>
    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..79] + "…";
}
