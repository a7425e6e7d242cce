
namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What the lifecycle is configured with: it does not change, so it is not state; every step is given it.</summary>
/// <param name="LokiTarget">Where pushes go (the push URL), for what the extension tells about delivery.</param>
public sealed record LifecycleSettings(DeliveryPolicy Policy, EntryShaping Shaping, string LokiTarget)
{
    public static LifecycleSettings Default { get; } = new(DeliveryPolicy.Default, EntryShaping.Default, "Loki");

    public static LifecycleSettings For(DeliveryPolicy policy, EntryShaping? shaping = null) => new(policy, shaping ?? EntryShaping.Default, "Loki");
}
