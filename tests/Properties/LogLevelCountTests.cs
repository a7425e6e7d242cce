namespace LokiLambdaExtension.Properties;

/// <summary><see cref="LogLevels.Count"/> is a constant so that the cold start reads no enum metadata: it must stay the
/// number of levels, numbered 0 to Count - 1, as the per-level metadata table is indexed by them.</summary>
public sealed class LogLevelCountTests
{
    [Fact]
    public void Count_IsEveryLevel_NumberedFromZeroWithoutGaps()
    {
        LogLevel[] levels = Enum.GetValues<LogLevel>();

        Assert.Equal(LogLevels.Count, levels.Length);
        Assert.Equal(Enumerable.Range(0, LogLevels.Count), levels.Select(l => (int)l).Order());
    }
}
