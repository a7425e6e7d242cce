using System.Text.RegularExpressions;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Lines the user does not want shipped (<c>LOKI_DROP_PATTERN</c>) and text to hide before shipping
/// (<c>LOKI_MASK_PATTERN</c>, each match replaced by <c>***</c>). The patterns come from the environment, so they
/// cannot be source-generated; they run interpreted, with <see cref="MatchTimeout"/>, so a pathological pattern
/// costs at most that per line. When the drop pattern times out the line is shipped (nothing is lost for a slow
/// regex); when the mask pattern times out the line is dropped and counted, so a secret never leaks because a regex
/// was slow.</summary>
public sealed record LineFilter(Regex? Drop, Regex? Mask)
{
    public const string MaskText = "***";

    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    public static LineFilter None { get; } = new(null, null);

    public bool IsNone => Drop is null && Mask is null;

    public FilterResult Apply(string line)
    {
        try
        {
            if (Drop?.IsMatch(line) == true)
            {
                return new FilterResult(null, FilterOutcome.Dropped);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Undecided: ship it.
        }
        if (Mask is null)
        {
            return new FilterResult(line, FilterOutcome.Kept);
        }
        try
        {
            string masked = Mask.Replace(line, MaskText);
            return new FilterResult(masked, ReferenceEquals(masked, line) ? FilterOutcome.Kept : FilterOutcome.Masked);
        }
        catch (RegexMatchTimeoutException)
        {
            return new FilterResult(null, FilterOutcome.MaskTimedOut);
        }
    }
}

public enum FilterOutcome
{
    Kept,
    Masked,
    Dropped,
    MaskTimedOut,
}

public readonly record struct FilterResult(string? Line, FilterOutcome Outcome);
