namespace LokiLambdaExtension.Core.Delivery;

/// <summary>What a 400 from Loki says it refused. A 400 is a partial success: the push's valid entries are stored,
/// and the message counts the others, in one of two forms (checked against Loki v3.4.6):
/// <list type="bullet">
/// <item>the distributor's validation, e.g. <c>2 errors like: entry for stream '…' has timestamp too old: …; 1 errors
/// like: …</c>, or a single <c>entry for stream '…' …</c> for one entry;</item>
/// <item>the ingester's, e.g. <c>entry with timestamp … ignored, reason: 'entry too far behind, …', … total ignored: 2
/// out of 2 for stream: {…}</c>.</item>
/// </list>
/// Entries refused for their age (older than the stream's newest by more than Loki accepts, or than its
/// <c>reject_old_samples_max_age</c>) are told apart: they are the ones a late read-back or a long outage produces.</summary>
/// <param name="Refused">How many entries Loki says it refused; null when the message does not say (count them all).</param>
/// <param name="TooOld">How many of them were refused for their age.</param>
internal readonly record struct LokiRefusal(int? Refused, int TooOld)
{
    private const string TotalIgnored = "total ignored: ";
    private const string ErrorsLike = " errors like: ";

    public static LokiRefusal Read(string message)
    {
        ReadOnlySpan<char> text = message;
        if (text.Contains(TotalIgnored, StringComparison.Ordinal))
        {
            int total = 0;
            for (int at = text.IndexOf(TotalIgnored, StringComparison.Ordinal); at >= 0;)
            {
                ReadOnlySpan<char> rest = text[(at + TotalIgnored.Length)..];
                total += LeadingNumber(rest);
                int next = rest.IndexOf(TotalIgnored, StringComparison.Ordinal);
                at = next < 0 ? -1 : at + TotalIgnored.Length + next;
            }
            return new LokiRefusal(total, IsAboutAge(text) ? total : 0);
        }
        if (text.Contains(ErrorsLike, StringComparison.Ordinal))
        {
            int total = 0, tooOld = 0;
            // Groups follow one another as "N errors like: …; M errors like: …".
            int groupStart = 0;
            while (groupStart < text.Length)
            {
                int like = text[groupStart..].IndexOf(ErrorsLike, StringComparison.Ordinal);
                if (like < 0)
                {
                    break;
                }
                int count = LeadingNumber(text[groupStart..]);
                int bodyStart = groupStart + like + ErrorsLike.Length;
                int nextLike = text[bodyStart..].IndexOf(ErrorsLike, StringComparison.Ordinal);
                int groupEnd = nextLike < 0 ? text.Length : StartOfNumberBefore(text, bodyStart + nextLike);
                total += count;
                tooOld += IsAboutAge(text[bodyStart..groupEnd]) ? count : 0;
                groupStart = groupEnd;
            }
            return new LokiRefusal(total, tooOld);
        }
        if (text.StartsWith("entry for stream", StringComparison.Ordinal))
        {
            return new LokiRefusal(1, IsAboutAge(text) ? 1 : 0);
        }
        return new LokiRefusal(null, 0);
    }

    private static bool IsAboutAge(ReadOnlySpan<char> text) =>
        text.Contains("too far behind", StringComparison.Ordinal) || text.Contains("timestamp too old", StringComparison.Ordinal);

    private static int LeadingNumber(ReadOnlySpan<char> text)
    {
        text = text.TrimStart(" ;".AsSpan());
        int digits = 0;
        while (digits < text.Length && digits < 9 && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        return digits == 0 ? 0 : int.Parse(text[..digits], provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Where the number that ends just before <paramref name="end"/> (and its separator) begins.</summary>
    private static int StartOfNumberBefore(ReadOnlySpan<char> text, int end)
    {
        int start = end;
        while (start > 0 && char.IsAsciiDigit(text[start - 1]))
        {
            start--;
        }
        return start;
    }
}
