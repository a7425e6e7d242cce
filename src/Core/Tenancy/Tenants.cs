namespace LokiLambdaExtension.Core.Tenancy;

/// <summary>Which Loki tenant an entry goes to (<c>LOKI_TENANT_MODE=lambda</c>), decided as a body is folded, record by
/// record, so that lines from before the tenant was known and lines after it never share a push. The rule keeps every
/// tenant's lines to itself: only a platform record (Lambda's own) can say whose environment this is; every line after
/// that is the environment's tenant's, except one that names another tenant (a function's JSON line can name any): no
/// tenant gets that one, it stays with the operator's fallback tenant. Nothing is sent to an id Loki would refuse.</summary>
internal static class Tenants
{
    /// <summary>The state once <paramref name="record"/> is seen (dropped by a pattern or not): the first platform record
    /// that names a tenant tells the environment's; a <c>platform.start</c> that names none while none is known says
    /// the function is not in tenant isolation mode.</summary>
    public static TenantState Learn(TenantRouting routing, TenantState tenant, in TelemetryRecord record)
    {
        if (!routing.FollowsLambda || tenant.LambdaTenant is not null || record.Kind is TelemetryKind.Function or TelemetryKind.Extension or TelemetryKind.Unparsed)
        {
            return tenant;
        }
        return record.Fields.TenantId is { Length: > 0 } named
            ? tenant with { LambdaTenant = named, LokiTenant = LokiTenantIds.For(routing.Prefix, named) }
            : record.Kind is TelemetryKind.Start ? tenant with { Untenanted = true } : tenant;
    }

    /// <summary>The Loki tenant of <paramref name="entry"/>: null for the fallback. The tenant a record names is the
    /// entry's <c>tenant_id</c> (the shaping keeps it from platform records and JSON lines; a text line names none).</summary>
    public static string? Of(TenantRouting routing, ref TenantState tenant, in LogEntry entry)
    {
        if (!routing.FollowsLambda || tenant.LambdaTenant is null)
        {
            return null;
        }
        if (entry.Metadata.ValueOf("tenant_id") is { } named && named != tenant.LambdaTenant)
        {
            tenant = tenant with { Strays = tenant.Strays + 1 };
            return null;
        }
        return tenant.LokiTenant;
    }
}
