namespace LokiLambdaExtension.Core.Tenancy;

/// <summary>The tenant this execution environment serves, as the platform named it. Under tenant isolation an
/// environment serves one tenant for its life: the first platform record that names one (<c>platform.start</c>) tells it.</summary>
/// <param name="LambdaTenant">The Lambda tenant id, once a platform record named one.</param>
/// <param name="LokiTenant">Its Loki tenant (<see cref="LokiTenantIds.For"/>); null while unknown or when the id is not
/// one Loki takes: the environment's lines then go to the fallback tenant.</param>
/// <param name="Strays">Records that named another tenant than the environment's: kept under the fallback tenant.</param>
/// <param name="Untenanted">Whether a <c>platform.start</c> came that named no tenant while none was known (the function is
/// not in tenant isolation mode): said once.</param>
internal sealed record TenantState(string? LambdaTenant, string? LokiTenant, long Strays, bool Untenanted)
{
    public static TenantState Unknown { get; } = new(null, null, 0, false);
}
