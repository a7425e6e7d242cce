
namespace LokiLambdaExtension.Properties;

/// <summary>Loki v3.4.6's own 400 texts, as the real Loki answered them (the real-Loki suite checks the receiver's
/// answers read the same).</summary>
public sealed class LokiRefusalTests
{
    [Fact]
    public void Read_TheIngestersTooFarBehind_CountsItsTotalAsTooOld()
    {
        const string Answer = """
            entry with timestamp 2026-11-25 14:57:57.195225267 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-25T14:57:57Z, oldest acceptable timestamp is: 2026-11-25T15:57:57Z',
            entry with timestamp 2026-11-25 14:57:57.195225268 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-25T14:57:57Z, oldest acceptable timestamp is: 2026-11-25T15:57:57Z',
            user 'fake', total ignored: 2 out of 5 for stream: {service_name="probe1", source="function"}
            """;

        Assert.Equal(new LokiRefusal(2, 2), LokiRefusal.Read(Answer));
    }

    [Fact]
    public void Read_TheDistributorsGroupedErrors_SumsEachGroup_AndTellsAgeFromOtherCauses()
    {
        const string Answer = "2 errors like: entry for stream '{service_name=\"probe1\", source=\"function\"}' has timestamp too old: " +
                              "2026-11-17T16:57:57Z, oldest acceptable timestamp is: 2026-11-18T16:57:57Z; 3 errors like: entry for stream " +
                              "'{service_name=\"probe1\", source=\"platform\"}' exceeds max entry size '262144' bytes: line of 300000 bytes";

        Assert.Equal(new LokiRefusal(5, 2), LokiRefusal.Read(Answer));
    }

    [Fact]
    public void Read_OneDistributorError_IsOneEntry()
    {
        Assert.Equal(new LokiRefusal(1, 1), LokiRefusal.Read(
            "entry for stream '{service_name=\"probe2\", source=\"function\"}' has timestamp too old: 2026-11-17T16:59:36Z, oldest acceptable timestamp is: 2026-11-18T16:59:36Z"));
        Assert.Equal(new LokiRefusal(1, 0), LokiRefusal.Read(
            "entry for stream '{service_name=\"x\"}' exceeds max entry size '262144' bytes: line of 300000 bytes"));
    }

    [Fact]
    public void Read_AMessageThatCountsNothing_LeavesTheCountUnknown()
    {
        Assert.Equal(new LokiRefusal(null, 0), LokiRefusal.Read("error at least one label pair is required per stream"));
        Assert.Equal(new LokiRefusal(null, 0), LokiRefusal.Read(""));
    }
}
