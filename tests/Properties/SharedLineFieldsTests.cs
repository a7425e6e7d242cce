using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Properties;

/// <summary>JSON log lines with the same fields share one object; lines with others get their own.</summary>
public sealed class SharedLineFieldsTests
{
    [Fact]
    public void For_TheSameStrings_IsOneObjectHoldingThem()
    {
        string requestId = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", level = "INFO";

        RecordFields first = SharedLineFields.For(requestId, level, null, null);
        RecordFields again = SharedLineFields.For(requestId, level, null, null);
        RecordFields warn = SharedLineFields.For(requestId, "WARN", null, null);

        Assert.Same(first, again);
        Assert.NotSame(first, warn);
        Assert.Equal(new RecordFields { RequestId = requestId, Level = level }, first);
        Assert.Equal(new RecordFields { RequestId = requestId, Level = "WARN" }, warn);
    }

    [Fact]
    public void For_EqualTextInAnotherString_IsAnObjectWithThatText()
    {
        string requestId = "8f5a2c3e-4b6d-4e0f-9a1b-2c3d4e5f6a7b";

        RecordFields fields = SharedLineFields.For(new string(requestId.AsSpan()), null, "1-62e900b2", "tenant-a");

        Assert.Equal(new RecordFields { RequestId = requestId, TraceId = "1-62e900b2", TenantId = "tenant-a" }, fields);
    }
}
