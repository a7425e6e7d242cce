using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Lines the user does not want shipped (<c>LOKI_DROP_PATTERN</c>) and text to hide before shipping
/// (<c>LOKI_MASK_PATTERN</c>, each match replaced by <c>***</c>). The patterns come from the environment, so they
/// cannot be source-generated; they run interpreted, with <see cref="MatchTimeout"/>, so a pathological pattern
/// costs at most that per line. When the drop pattern times out the line is shipped (nothing is lost for a slow
/// regex); when the mask pattern times out the line is dropped and counted, so a secret never leaks because a regex
/// was slow.</summary>
internal sealed record LineFilter(Regex? Drop, Regex? Mask)
{
    public const string MaskText = "***";

    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    public static LineFilter None { get; } = new(null, null);

    public bool IsNone => Drop is null && Mask is null;

    /// <summary>Runs the patterns over each record's line where the body is parsed, off the decision loop; null when
    /// there are no patterns. The verdicts sit beside the records rather than in them: a record is kept small, as a
    /// body's worth of them must stay off the large-object heap.</summary>
    public LineVerdicts? Sift(System.Collections.Immutable.ImmutableArray<TelemetryRecord> records, int maxLineBytes)
    {
        if (IsNone)
        {
            return null;
        }
        var outcomes = new FilterOutcome[records.Length];
        var masked = new Utf8Line?[records.Length];
        for (int index = 0; index < records.Length; index++)
        {
            FilterResult result = Apply(LogEntries.LineOf(in records.ItemRef(index), maxLineBytes));
            outcomes[index] = result.Outcome;
            masked[index] = result.Outcome == FilterOutcome.Masked ? LineLimit.Truncate(result.Line!.Value, maxLineBytes) : null;
        }
        return new LineVerdicts(outcomes, masked);
    }

    public FilterResult Apply(Utf8Line line)
    {
        // Regexes read characters: the line is decoded once into pooled memory, and a string is made only to mask.
        char[] text = ArrayPool<char>.Shared.Rent(Math.Max(1, line.Length));
        try
        {
            ReadOnlySpan<char> chars = text.AsSpan(0, Encoding.UTF8.GetChars(line.Span, text));
            try
            {
                if (Drop?.IsMatch(chars) == true)
                {
                    return new FilterResult(null, FilterOutcome.Dropped);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Undecided: ship it.
            }
            try
            {
                if (Mask is null || !Mask.IsMatch(chars))
                {
                    return new FilterResult(line, FilterOutcome.Kept);
                }
                return new FilterResult(Utf8Line.From(Mask.Replace(chars.ToString(), MaskText)), FilterOutcome.Masked);
            }
            catch (RegexMatchTimeoutException)
            {
                return new FilterResult(null, FilterOutcome.MaskTimedOut);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }
}

internal enum FilterOutcome
{
    Kept,
    Masked,
    Dropped,
    MaskTimedOut,
}

internal readonly record struct FilterResult(Utf8Line? Line, FilterOutcome Outcome);

/// <summary>What the drop and mask patterns made of each record of a body, by index: its outcome, and for a masked
/// line, the line to ship instead of the record's own (cut to the line limit again).</summary>
internal sealed record LineVerdicts(FilterOutcome[] Outcomes, Utf8Line?[] Masked);
