namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>A test against a real Loki (what Loki stores, drops, de-duplicates or refuses is judged there, not by the
/// project's receiver). It runs when <c>LOKI_TEST_URL</c> names one (.ci/run starts <c>../shared/loki/start-loki</c>
/// and sets it; users point it at their own, e.g. <c>docker run -p 3100:3100 grafana/loki:3.4.6</c>) and is reported
/// as skipped, saying why, otherwise.</summary>
public sealed class RealLokiFactAttribute : FactAttribute
{
    /// <param name="variable">The variable naming the Loki this test needs: <see cref="RealLoki.Variable"/>, or
    /// <see cref="RealLoki.TightVariable"/> for one started with tight rate limits.</param>
    public RealLokiFactAttribute(string variable = RealLoki.Variable)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            Skip = $"{variable} is not set, so this real-Loki test did not run: start one (../shared/loki/start-loki, or " +
                   $"docker run -p 3100:3100 grafana/loki:3.4.6{(variable == RealLoki.Variable ? "" : " with " + RealLoki.TightFlags)}) and set {variable}=http://127.0.0.1:3100";
        }
    }
}
