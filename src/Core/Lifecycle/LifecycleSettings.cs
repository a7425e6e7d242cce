using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What the lifecycle is configured with: it does not change, so it is not state; every step is given it.</summary>
public sealed record LifecycleSettings
{
    /// <param name="LokiTarget">Where pushes go (the push URL), for what the extension tells about delivery.</param>
    /// <param name="Model">The execution model, which chooses the lifecycle's mode (see <see cref="Lifecycle"/>).</param>
    /// <param name="SeesPlatformRecords">Whether the subscription asked for platform records: without them no
    /// <c>platform.initRuntimeDone</c> will say when the runtime's init is done, so it is not waited for.</param>
    /// <param name="Archive">The S3 archive, when it is on.</param>
    /// <param name="AccessOrNone">Where credentials come from and which variables are secrets to read from AWS.</param>
    /// <param name="TenantsOrNone">Which Loki tenants lines go to (<c>LOKI_TENANT_MODE</c>).</param>
    internal LifecycleSettings(DeliveryPolicy Policy, EntryShaping Shaping, string LokiTarget,
        ExecutionModel Model = ExecutionModel.OnDemand, bool SeesPlatformRecords = true,
        Option<ArchiveTarget> Archive = default, AccessSettings? AccessOrNone = null,
        TenantRouting? TenantsOrNone = null)
    {
        this.Policy = Policy;
        this.Shaping = Shaping;
        this.LokiTarget = LokiTarget;
        this.Model = Model;
        this.SeesPlatformRecords = SeesPlatformRecords;
        this.Archive = Archive;
        this.AccessOrNone = AccessOrNone;
        this.TenantsOrNone = TenantsOrNone;
    }

    internal DeliveryPolicy Policy { get; init; }

    internal EntryShaping Shaping { get; init; }

    internal string LokiTarget { get; init; }

    internal ExecutionModel Model { get; init; }

    internal bool SeesPlatformRecords { get; init; }

    internal Option<ArchiveTarget> Archive { get; init; }

    internal AccessSettings? AccessOrNone { get; init; }

    internal TenantRouting? TenantsOrNone { get; init; }

    internal AccessSettings Access => AccessOrNone ?? AccessSettings.None;

    internal TenantRouting Tenants => TenantsOrNone ?? TenantRouting.Fixed;

    internal static LifecycleSettings Default { get; } = new(DeliveryPolicy.Default, EntryShaping.Default, "Loki");

    internal static LifecycleSettings For(DeliveryPolicy policy, EntryShaping? shaping = null, ExecutionModel model = ExecutionModel.OnDemand) =>
        new(policy, shaping ?? EntryShaping.Default, "Loki", model);

    /// <summary>The settings a process runs with: <paramref name="config"/>'s, with pushes going to
    /// <paramref name="lokiTarget"/> and the archive on when the shell could make its client.</summary>
    public static LifecycleSettings From(ExtensionConfig config, string lokiTarget, bool archiveOn) =>
        new(config.Delivery, config.Shaping, lokiTarget, config.Model, SeesPlatformRecords: config.TelemetryTypes.Exists(t => t == "platform"),
            Archive: archiveOn ? config.Archive : None, AccessOrNone: config.Access, TenantsOrNone: config.Tenants);
}
