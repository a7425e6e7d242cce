namespace LokiLambdaExtension.Core.Tenancy;

/// <summary>Loki's rules for a tenant id (<c>X-Scope-OrgID</c>; dskit's <c>tenant.ValidTenantID</c>): 1 to 150 of
/// <c>a-z A-Z 0-9 ! - _ . * ' ( )</c>, and not <c>.</c> or <c>..</c>. The same characters are safe in an S3 key
/// segment, which is why an archive key can name the tenant.</summary>
internal static class LokiTenantIds
{
    public const int MaxLength = 150;

    public const string Rule = "up to 150 of a-z A-Z 0-9 ! - _ . * ' ( ), not '.' or '..'";

    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && id is not ("." or "..") && id.All(IsAllowed);

    /// <summary>Whether <paramref name="prefix"/> can begin tenant ids: empty, or of the allowed characters and short
    /// enough to leave room for a Lambda tenant id of one character.</summary>
    public static bool IsValidPrefix(string prefix) => prefix.Length < MaxLength && prefix.All(IsAllowed);

    /// <summary>The Loki tenant of Lambda tenant <paramref name="lambdaTenant"/>: <paramref name="prefix"/> and the id, when
    /// that is a Loki tenant id; null when it is not (Lambda allows characters Loki does not: <c>: / = + @</c>, space,
    /// and ids up to 256 long). Never a fix-up: two Lambda tenants must never share a Loki tenant.</summary>
    public static string? For(string prefix, string lambdaTenant)
    {
        string id = prefix + lambdaTenant;
        return lambdaTenant.Length > 0 && IsValid(id) ? id : null;
    }

    /// <summary>An id as it can be shown in a line: printable ASCII, cut short. A platform record is Lambda's, but a
    /// function's JSON line can name any tenant it likes.</summary>
    public static string Shown(string id)
    {
        string printable = string.Concat(id.Take(80).Select(c => c is >= ' ' and < '\x7f' ? c : '?'));
        return id.Length > 80 ? printable + "…" : printable;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')';
}
