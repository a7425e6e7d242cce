namespace LokiLambdaExtension.Core.Configuration;

/// <summary>What of a configuration value may be printed. Secrets are declared (<see cref="ConfigValues.SecretVariables"/>)
/// and never shown; a URL shows its scheme, host, port and path only, since user info (<c>user:pass@host</c>, with or
/// without a scheme), a query (<c>?api_key=…</c>, a presigned signature) and a fragment can all carry a secret; a
/// variable this extension does not read is named without its value (a misspelled <c>LOKI_AUTH_TOKN</c> holds a token).</summary>
public static class Redaction
{
    /// <summary>The variables whose values are URLs: printed through <see cref="Url"/>.</summary>
    private static readonly HashSet<string> UrlVariables = [ConfigValues.Names.PushUri, ConfigValues.Names.ArchiveEndpoint, ConfigValues.Names.ArchiveS3];

    /// <summary><paramref name="text"/> as a URL that may be printed: user info becomes <c>***@</c>, a query or fragment
    /// <c>?…</c>. Text that is not a URL goes through the same cuts, so nothing after an <c>@</c> in the authority's place
    /// nor after a <c>?</c> is ever shown.</summary>
    public static string Url(string text)
    {
        int query = text.IndexOfAny(['?', '#']);
        string head = query >= 0 ? text[..query] : text;
        int scheme = head.IndexOf("://", StringComparison.Ordinal);
        int authority = scheme >= 0 ? scheme + 3 : 0;
        int path = head.IndexOf('/', authority);
        int authorityEnd = path >= 0 ? path : head.Length;
        int at = authorityEnd > authority ? head.LastIndexOf('@', authorityEnd - 1, authorityEnd - authority) : -1;
        if (at >= 0)
        {
            head = string.Concat(head.AsSpan(0, authority), "***", head.AsSpan(at));
        }
        return EnvironmentValues.Shorten(query >= 0 ? head + "?…" : head);
    }

    /// <summary>How a variable's value is shown (by <c>--check</c>): secrets and unknown variables by their length only,
    /// URLs through <see cref="Url"/>, anything else as it is.</summary>
    public static string Shown(string name, string value) =>
        ConfigValues.SecretVariables.Contains(name) ? $"(set, {value.Length} characters, not shown)"
        : !ConfigValues.VariableNames.Contains(name) ? $"(not a variable this extension reads{NearestHint(name)}; value not shown)"
        : UrlVariables.Contains(name) ? Url(value)
        : value;

    /// <summary>The declared name a misspelled one most likely meant (one or two edits away), as a hint.</summary>
    private static string NearestHint(string name)
    {
        string? nearest = ConfigValues.VariableNames.Select(known => (known, distance: Distance(name, known)))
            .Where(c => c.distance <= 2).OrderBy(c => c.distance).Select(c => c.known).FirstOrDefault();
        return nearest is null ? "" : $": did you mean {nearest}?";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
