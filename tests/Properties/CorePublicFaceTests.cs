namespace LokiLambdaExtension.Properties;

/// <summary>The core's public face is what the shell needs and no more (docs/architecture.md): the step, the opaque
/// state and settings, the two unions' factories and effects, what effects carry, the configuration, and what
/// <c>--check</c> and <c>replay</c> use. A type made public here is a decision: it fails this test until it is listed.</summary>
public sealed class CorePublicFaceTests
{
    private static readonly string[] PublicFace =
    [
        // The Decider as the shell sees it.
        "Lifecycle.Lifecycle", "Lifecycle.ExtensionState", "Lifecycle.LifecycleSettings", "Lifecycle.Observation", "Lifecycle.Observations",
        "Lifecycle.TelemetryIntake", "Lifecycle.Decision", "Lifecycle.IEffects", "Lifecycle.NoticeLevel",
        // What effects carry.
        "Delivery.PushBatch", "Delivery.PushOutcome", "Spool.SpoolFile", "Entries.StreamKind", "Wire.PooledBuffer", "Wire.StreamLabels",
        "Access.AwsCredentials", "Access.SecretReference",
        // The configuration.
        "Configuration.ConfigReader", "Configuration.ConfigValues", "Configuration.ConfigValues+Names", "Configuration.ExtensionConfig",
        "Wire.HttpHeader", "Configuration.Verbosity", "Configuration.Redaction", "Configuration.SubscriptionAttempt",
        "Access.AccessSettings", "Archive.ArchiveTarget",
        // --check and replay.
        "Archive.ArchiveReplay", "Archive.SigV4", "Access.AwsErrors",
    ];

    [Fact]
    public void TheCoresPublicTypes_AreTheShellsNeedsAndNoMore()
    {
        string[] exported = [.. typeof(Lifecycle).Assembly.GetExportedTypes()
            .Select(t => t.FullName!["LokiLambdaExtension.Core.".Length..]).Order(StringComparer.Ordinal)];

        Assert.Equal(PublicFace.Order(StringComparer.Ordinal), exported);
        Assert.True(exported.Length <= 30, $"{exported.Length} public types in src/Core");
    }

    [Fact]
    public void TheUnionsCases_AreTheCoresAlone()
    {
        Type[] cases = [.. typeof(Lifecycle).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Observation)) || t.IsSubclassOf(typeof(Decision)))];

        Assert.True(cases.Length >= 25, $"{cases.Length} cases");
        Assert.All(cases, c => Assert.False(c.IsVisible, $"{c.Name} is public"));
    }
}
