using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>What authenticates a push, as the variables give it: values, or references to secrets kept in AWS (see
/// <see cref="SecretReference"/>) until they are read.</summary>
internal sealed record LokiAuth(string AuthToken, string Username, string Password, string TenantId, string ExtraHeaders)
{
    public override string ToString() => "LokiAuth(values hidden)";

    /// <summary>The same with each variable named in <paramref name="values"/> given that value (a secret read).</summary>
    public LokiAuth With(IReadOnlyDictionary<string, string> values) => new(
        values.GetValueOrDefault(ConfigValues.Names.AuthToken, AuthToken), values.GetValueOrDefault(ConfigValues.Names.Username, Username),
        values.GetValueOrDefault(ConfigValues.Names.Password, Password), TenantId, values.GetValueOrDefault(ConfigValues.Names.ExtraHeaders, ExtraHeaders));
}

/// <summary>The headers of every push: authorization, the tenant, the extra headers. Built from the configuration at start,
/// or, where a variable is a reference, each time its secret is read.</summary>
internal static class LokiHeaders
{
    /// <summary>A bare token is a bearer token; a value that names its scheme (<c>Basic …</c>) is sent as it is.</summary>
    public static Option<string> AuthorizationHeader(string token) =>
        token.Length == 0 ? None : token.Contains(' ') ? token : $"Bearer {token}";

    /// <summary>Authorization (a token, or basic auth: both parts or neither, the token winning), the tenant, and the
    /// extra headers, none of which may replace another.</summary>
    public static Seq<HttpHeader> Build(LokiAuth values, List<string> problems)
    {
        var headers = new List<HttpHeader>();
        string token = values.AuthToken;
        string user = values.Username;
        string password = values.Password;
        if (token.Length > 0 && (user.Length > 0 || password.Length > 0))
        {
            problems.Add($"{ConfigValues.Names.AuthToken} and {ConfigValues.Names.Username}/{ConfigValues.Names.Password} are both set: " +
                         $"give one way to authenticate; using {ConfigValues.Names.AuthToken}");
        }
        if (token.Length > 0)
        {
            if (IsHeaderValue(token))
            {
                headers.Add(new("Authorization", AuthorizationHeader(token).IfNone("")));
            }
            else
            {
                problems.Add($"{ConfigValues.Names.AuthToken} holds a line break or control character: give the token alone; no Authorization is sent");
            }
        }
        else if (user.Length > 0 != password.Length > 0)
        {
            problems.Add($"{(user.Length > 0 ? ConfigValues.Names.Password : ConfigValues.Names.Username)} is not set: basic auth needs both " +
                         "(Grafana Cloud: the instance id and an access token); no Authorization is sent");
        }
        else if (user.Length > 0)
        {
            if (user.Contains(':'))
            {
                problems.Add($"{ConfigValues.Names.Username} contains ':', which basic auth cannot carry; no Authorization is sent");
            }
            else
            {
                headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))));
            }
        }

        string tenant = values.TenantId;
        if (tenant.Length > 0)
        {
            if (LokiTenantIds.IsValid(tenant))
            {
                headers.Add(new("X-Scope-OrgID", tenant));
            }
            else
            {
                problems.Add($"{ConfigValues.Names.TenantId}='{LokiTenantIds.Shown(tenant)}' is not a Loki tenant id: {LokiTenantIds.Rule}; " +
                             "no X-Scope-OrgID is sent");
            }
        }

        string[] entries = values.ExtraHeaders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < entries.Length; i++)
        {
            string item = entries[i];
            int equals = item.IndexOf('=');
            string headerName = equals < 0 ? item : item[..equals].Trim();
            string value = equals < 0 ? "" : item[(equals + 1)..].Trim();
            string? problem = equals <= 0 ? "is not Name=value"
                : !IsToken(headerName) ? "has an invalid header name"
                : !IsHeaderValue(value) ? "has a line break or control character in its value"
                : FramingHeaders.Contains(headerName, StringComparer.OrdinalIgnoreCase) ? "would replace a header the push needs"
                : headers.Any(h => h.Name.Equals(headerName, StringComparison.OrdinalIgnoreCase)) ? "repeats a header already set"
                : null;
            if (problem is null)
            {
                headers.Add(new(headerName, value));
            }
            else
            {
                // A valid name only: header values are secrets, and an entry that is not Name=value may be a value whole
                // ('Authorization: Basic …').
                string named = equals > 0 && IsToken(headerName) ? $" '{headerName}'" : "";
                problems.Add($"{ConfigValues.Names.ExtraHeaders} entry {i + 1}{named} {problem}; skipped (its text is not shown: it may hold a secret)");
            }
        }
        return toSeq(headers.ToArray());
    }

    /// <summary>What the push sets itself: its body's type and framing, and its connection's handling (a chunked
    /// coding or a second length beside the push's own would make its body unreadable, or read as two requests).</summary>
    private static readonly string[] FramingHeaders = ["Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "TE", "Upgrade"];

    internal static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    private static bool IsHeaderValue(string value) => value.All(c => c >= ' ' && c != '\x7f');
}
