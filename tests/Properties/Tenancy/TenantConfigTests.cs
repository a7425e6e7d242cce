namespace LokiLambdaExtension.Properties.Tenancy;

/// <summary><c>LOKI_TENANT_MODE</c>, <c>LOKI_TENANT_PREFIX</c> and the fallback <c>LOKI_TENANT_ID</c> read together.</summary>
public sealed class TenantConfigTests
{
    private static (ExtensionConfig Config, LanguageExt.Seq<string> Problems) Read(params (string Name, string Value)[] values) =>
        ConfigReader.Read(values.Append(("LOKI_PUSH_URL", "http://loki:3100")).ToDictionary(v => v.Item1, v => v.Item2));

    [Fact]
    public void Lambda_WithAFallbackAndAPrefix_RoutesByLambdaTenant()
    {
        var (config, problems) = Read(("LOKI_TENANT_MODE", "Lambda"), ("LOKI_TENANT_ID", "ops"), ("LOKI_TENANT_PREFIX", "acme-"));

        Assert.Empty(problems);
        Assert.Equal(new TenantRouting(TenantMode.Lambda, "ops", "acme-"), config.Tenants);
        Assert.Contains(config.Headers, h => h is { Name: "X-Scope-OrgID", Value: "ops" });
    }

    [Fact]
    public void Lambda_WithoutAFallback_IsAProblem_ThatSaysWhereThoseLinesGo()
    {
        var (config, problems) = Read(("LOKI_TENANT_MODE", "lambda"));

        string problem = Assert.Single(problems);
        Assert.Contains("LOKI_TENANT_ID", problem, StringComparison.Ordinal);
        Assert.Contains("without X-Scope-OrgID", problem, StringComparison.Ordinal);
        Assert.Equal(TenantMode.Lambda, config.Tenants!.Mode);
    }

    [Fact]
    public void Lambda_WithoutPlatformRecords_IsAProblem_ForOnlyTheyNameTheTenant()
    {
        var (_, problems) = Read(("LOKI_TENANT_MODE", "lambda"), ("LOKI_TENANT_ID", "ops"), ("LOKI_TELEMETRY_TYPES", "function"));

        Assert.Contains("only they name the environment's tenant", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme/")]
    [InlineData("a b")]
    public void APrefixLokiCannotTake_IsAProblem_AndNothingFollowsLambdaTenants(string prefix)
    {
        var (config, problems) = Read(("LOKI_TENANT_MODE", "lambda"), ("LOKI_TENANT_ID", "ops"), ("LOKI_TENANT_PREFIX", prefix));

        Assert.Contains(problems, p => p.Contains("LOKI_TENANT_PREFIX", StringComparison.Ordinal));
        Assert.Equal(new TenantRouting(TenantMode.Fixed, "ops", ""), config.Tenants);
    }

    [Fact]
    public void APrefixInFixedMode_IsSaidOnce_ButIsNoProblem()
    {
        var (config, problems) = Read(("LOKI_TENANT_PREFIX", "acme-"));

        Assert.Empty(problems);
        Assert.Contains(config.Notes, n => n.Contains("LOKI_TENANT_MODE is fixed", StringComparison.Ordinal));
        Assert.False(config.Tenants!.FollowsLambda);
    }
}
