using LanguageExt;


namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What the lifecycle is configured with: it does not change, so it is not state; every step is given it.</summary>
/// <param name="LokiTarget">Where pushes go (the push URL), for what the extension tells about delivery.</param>
/// <param name="Model">The execution model, which chooses the lifecycle's mode (see <see cref="Lifecycle"/>).</param>
/// <param name="SeesPlatformRecords">Whether the subscription asked for platform records: without them no
/// <c>platform.initRuntimeDone</c> will say when the runtime's init is done, so it is not waited for.</param>
/// <param name="Archive">The S3 archive, when it is on.</param>
/// <param name="Access">Where credentials come from and which variables are secrets to read from AWS.</param>
/// <param name="Tenants">Which Loki tenants lines go to (<c>LOKI_TENANT_MODE</c>).</param>
public sealed record LifecycleSettings(DeliveryPolicy Policy, EntryShaping Shaping, string LokiTarget,
    ExecutionModel Model = ExecutionModel.OnDemand, bool SeesPlatformRecords = true, Option<ArchiveTarget> Archive = default,
    AccessSettings? AccessOrNone = null, TenantRouting? TenantsOrNone = null)
{
    public AccessSettings Access => AccessOrNone ?? AccessSettings.None;

    public TenantRouting Tenants => TenantsOrNone ?? TenantRouting.Fixed;

    public static LifecycleSettings Default { get; } = new(DeliveryPolicy.Default, EntryShaping.Default, "Loki");

    public static LifecycleSettings For(DeliveryPolicy policy, EntryShaping? shaping = null, ExecutionModel model = ExecutionModel.OnDemand) =>
        new(policy, shaping ?? EntryShaping.Default, "Loki", model);
}
