namespace LokiLambdaExtension.Core.Tenancy;

/// <summary><c>LOKI_TENANT_MODE</c>: one Loki tenant for everything, or the Lambda tenant's own.</summary>
internal enum TenantMode
{
    /// <summary>Every push carries <c>LOKI_TENANT_ID</c> (or no <c>X-Scope-OrgID</c> when it is empty).</summary>
    Fixed,

    /// <summary>Under Lambda's tenant isolation each environment's lines go to the Loki tenant of its Lambda tenant.</summary>
    Lambda,
}

/// <summary>How lines are spread over Loki's tenants. <paramref name="Fallback"/> is <c>LOKI_TENANT_ID</c> (validated,
/// or empty): the tenant of every line no Lambda tenant owns; <paramref name="Prefix"/> begins every Lambda tenant's
/// Loki tenant id.</summary>
internal sealed record TenantRouting(TenantMode Mode, string Fallback, string Prefix)
{
    public static TenantRouting Fixed { get; } = new(TenantMode.Fixed, "", "");

    public bool FollowsLambda => Mode == TenantMode.Lambda;

    /// <summary>How the fallback tenant is named in a line.</summary>
    public string FallbackShown => Shown(Fallback);

    /// <summary>How a fallback tenant (<c>LOKI_TENANT_ID</c>, validated; empty for none) is named in a line.</summary>
    public static string Shown(string fallback) => fallback.Length > 0 ? $"the fallback tenant '{fallback}'" : "no tenant (no X-Scope-OrgID)";
}
