namespace LokiLambdaExtension.Properties;

/// <summary>Platform lines leave out what the platform left empty (AWS's RIE sends an empty runtime version).</summary>
public sealed class PlatformLineTests
{
    [Theory]
    [InlineData("python:3.12.v40", "arn:aws:lambda:eu-west-1::runtime:abc", "INIT_START Runtime Version: python:3.12.v40\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc")]
    [InlineData("", "", "INIT_START")]
    [InlineData(null, null, "INIT_START")]
    [InlineData("python:3.12.v40", "", "INIT_START Runtime Version: python:3.12.v40")]
    [InlineData("", "arn:aws:lambda:eu-west-1::runtime:abc", "INIT_START Runtime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc")]
    public void InitStart_EmptyFields_AreLeftOut(string? version, string? arn, string expected)
    {
        var record = new TelemetryRecord(0, "platform.initStart", TelemetryKind.InitStart, null, Utf8Line.From("{}"),
            new RecordFields { RuntimeVersion = version, RuntimeVersionArn = arn });

        Assert.Equal(expected, PlatformLine.For(in record).ToString());
    }
}
