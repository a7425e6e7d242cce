using LanguageExt;

namespace LokiLambdaExtension.Core.Tenancy;

/// <summary>The headers of a push (or a replayed object) for one Loki tenant: the configured ones with
/// <c>X-Scope-OrgID</c> replaced by the tenant's, whatever spelling the configuration gave it.</summary>
internal static class TenantHeaders
{
    public const string Name = "X-Scope-OrgID";

    /// <param name="tenant">The batch's Loki tenant; null for the fallback, whose header is the configured one.</param>
    public static Seq<HttpHeader> For(Seq<HttpHeader> headers, string? tenant) =>
        tenant is null ? headers : headers.Filter(h => !h.Name.Equals(Name, StringComparison.OrdinalIgnoreCase)).Add(new HttpHeader(Name, tenant));
}
