namespace LokiLambdaExtension.Properties.Tenancy;

/// <summary><c>LOKI_TENANT_MODE=lambda</c> decided in the core: each line's Loki tenant, pushes that never mix tenants,
/// and what is said when the platform names a tenant Loki cannot take, none, or two.</summary>
public sealed class TenantRoutingTests
{
    private static readonly TenantRouting Lambda = new(TenantMode.Lambda, "ops", "acme-");

    private static (string, string) Platform(string type, string record) => ($"platform.{type}", record);

    private static (string, string) Text(string line) => ("function", System.Text.Json.JsonSerializer.Serialize(line + "\n"));

    private static (string, string) Json(string message, string? tenant) =>
        ("function", tenant is null
            ? $$"""{"level":"INFO","requestId":"r1","message":"{{message}}"}"""
            : $$"""{"level":"INFO","requestId":"r1","tenantId":"{{tenant}}","message":"{{message}}"}""");

    private static TenantWorld OneInvocation(TenantRouting routing, string? tenant, params (string, string)[] functionRecords)
    {
        var world = new TenantWorld(routing, "ops");
        string named = tenant is null ? "" : $$""","tenantId":"{{tenant}}" """.TrimEnd();
        world.Deliver(Platform("initStart", """{"initializationType":"on-demand","phase":"init"}"""), Text("init line"),
            Platform("initRuntimeDone", """{"initializationType":"on-demand","phase":"init","status":"success"}"""));
        world.Invoke("r1");
        world.Deliver([Platform("start", $$"""{"requestId":"r1","version":"$LATEST"{{named}}}"""), .. functionRecords,
            Platform("runtimeDone", """{"requestId":"r1","status":"success"}""")]);
        world.Deliver(Platform("report", $$"""{"requestId":"r1","status":"success","metrics":{"durationMs":3.5,"billedDurationMs":4,"memorySizeMB":128,"maxMemoryUsedMB":60}{{named}}}"""));
        world.Shutdown();
        return world;
    }

    [Fact]
    public void Lambda_AnEnvironmentOfOneTenant_GoesToItsLokiTenant_AndInitToTheFallback()
    {
        TenantWorld world = OneInvocation(Lambda, "blue", Text("hello from blue"), Json("json from blue", "blue"));

        Assert.Contains("init line", world.LinesOf("ops"));
        Assert.DoesNotContain(world.LinesOf("ops"), l => l.Contains("blue", StringComparison.Ordinal));
        string[] blue = world.LinesOf("acme-blue");
        Assert.Contains("hello from blue", blue);
        Assert.Contains(blue, l => l.Contains("json from blue", StringComparison.Ordinal));
        Assert.Contains(blue, l => l.StartsWith("START RequestId: r1", StringComparison.Ordinal));
        Assert.Contains(blue, l => l.StartsWith("REPORT RequestId: r1", StringComparison.Ordinal));
        Assert.Equal(["ops", "acme-blue"], world.Pushes.Select(p => p.Header).Distinct());
        Assert.All(world.Pushes, p => Assert.Equal(p.Header == "ops" ? null : p.Header, p.BatchTenant));
        Assert.Contains(world.Notices, n => n.Level == NoticeLevel.Info && n.Text.Contains("Lambda tenant 'blue'", StringComparison.Ordinal)
                                             && n.Text.Contains("'acme-blue'", StringComparison.Ordinal));
    }

    [Fact]
    public void Lambda_ARecordNamingAnotherTenant_GoesToNeither_ButToTheFallback_AndIsToldOnce()
    {
        TenantWorld world = OneInvocation(Lambda, "blue", Json("claims green", "green"), Text("blue's own"), Json("claims green again", "green"));

        Assert.Equal(2, world.LinesOf("ops").Count(l => l.Contains("claims green", StringComparison.Ordinal)));
        Assert.DoesNotContain(world.Pushes, p => p.Header == "acme-green");
        Assert.DoesNotContain(world.LinesOf("acme-blue"), l => l.Contains("green", StringComparison.Ordinal));
        Assert.Contains("blue's own", world.LinesOf("acme-blue"));
        Assert.Equal(2, world.State.Tenancy.Strays);
        Assert.Single(world.Notices, n => n.Level == NoticeLevel.Warn && n.Text.Contains("names another tenant", StringComparison.Ordinal));
    }

    [Fact]
    public void Lambda_APlatformRecordNamingAnotherTenantLater_DoesNotMoveTheEnvironment()
    {
        var world = new TenantWorld(Lambda, "ops");
        world.Invoke("r1");
        world.Deliver(Platform("start", """{"requestId":"r1","tenantId":"blue"}"""), Text("blue's line"),
            Platform("runtimeDone", """{"requestId":"r1","status":"success"}"""));
        world.Invoke("r2");
        world.Deliver(Platform("start", """{"requestId":"r2","tenantId":"green"}"""), Text("after a green start"));
        world.Shutdown();

        Assert.Equal("blue", world.State.Tenancy.LambdaTenant);
        Assert.Equal(["blue's line", "after a green start"], world.LinesOf("acme-blue").Where(l => !l.Contains("RequestId:", StringComparison.Ordinal))); // the environment's line, as a text line names none
        Assert.Contains(world.LinesOf("ops"), l => l.StartsWith("START RequestId: r2", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Pushes, p => p.Header == "acme-green");
    }

    [Theory]
    [InlineData("acme/eu")]     // Lambda allows '/', Loki does not
    [InlineData("tenant one")]  // nor a space
    [InlineData("a:b")]
    public void Lambda_ATenantIdLokiCannotTake_SendsTheEnvironmentToTheFallback_WithAWarning(string tenant)
    {
        TenantWorld world = OneInvocation(Lambda, tenant, Text("line of an odd tenant"));

        Assert.Contains("line of an odd tenant", world.LinesOf("ops"));
        Assert.All(world.Pushes, p => Assert.Equal("ops", p.Header));
        Assert.Contains(world.Notices, n => n.Level == NoticeLevel.Warn && n.Text.Contains("is no Loki tenant id", StringComparison.Ordinal));
    }

    [Fact]
    public void Lambda_AnEnvironmentOfNoTenant_GoesToTheFallback_AndSaysWhyOnce()
    {
        TenantWorld world = OneInvocation(Lambda, null, Text("untenanted"));
        world.Invoke("r2");
        world.Deliver(Platform("start", """{"requestId":"r2"}"""), Text("second"));

        Assert.All(world.Pushes, p => Assert.Equal("ops", p.Header));
        Assert.Single(world.Notices, n => n.Text.Contains("names no tenant", StringComparison.Ordinal));
    }

    [Fact]
    public void Fixed_TenantIdsInRecords_ChangeNothing()
    {
        TenantWorld world = OneInvocation(TenantRouting.Fixed with { Fallback = "ops" }, "blue", Text("hello"), Json("json", "green"));

        Assert.All(world.Pushes, p => Assert.Equal(("ops", (string?)null), (p.Header, p.BatchTenant)));
        Assert.Contains("hello", world.LinesOf("ops"));
        Assert.Equal(TenantState.Unknown, world.State.Tenancy);
    }
}
