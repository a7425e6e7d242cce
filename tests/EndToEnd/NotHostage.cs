namespace LokiLambdaExtension.EndToEnd;

/// <summary>How long an invocation may be held after runtimeDone in these tests. The exact bound (never past the
/// 1000 ms flush budget) is a property of the pure core, checked on simulated time in tests/Properties. Here, on two
/// cores shared with the other test assemblies, timers can fire late; what the end-to-end tests show is that the
/// function is not held hostage (a failing Loki's backoff alone would reach 30 s).</summary>
internal static class NotHostage
{
    public const int BoundMs = 1000 + 2000;
}
