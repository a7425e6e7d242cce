namespace LokiLambdaExtension.Shell;

/// <summary>Problems of the listener's intake that may recur (malformed bodies, refused requests): the first one is said
/// in full, later ones only at debug level, counted.</summary>
internal static class IntakeWarnings
{
    public static void Once(ref int said, string message)
    {
        int count = Interlocked.Increment(ref said);
        if (count == 1)
        {
            ExtensionLog.Warn(message + " (said once; later ones at debug level)");
        }
        else
        {
            ExtensionLog.Debug($"{message} ({count} so far)");
        }
    }
}
