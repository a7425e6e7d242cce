
namespace LokiLambdaExtension.Shell;

/// <summary>The extension's own lines on stdout, where Lambda collects them. Kept few and plain: each says what
/// happened and what to do about it. Secrets are never passed here. <c>LOKI_LOG_LEVEL</c> sets how much is said;
/// configuration problems are errors, so they are always said.</summary>
internal static class ExtensionLog
{
    private const string Prefix = Lifecycle.OwnLinePrefix;

    public static Verbosity Verbosity { get; set; } = Verbosity.Info;

    public static void Debug(string message) => Write(Verbosity.Debug, "DEBUG ", message);

    public static void Info(string message) => Write(Verbosity.Info, "", message);

    public static void Warn(string message) => Write(Verbosity.Warn, "WARN ", message);

    public static void Error(string message) => Write(Verbosity.Error, "ERROR ", message);

    /// <summary>Says what the core decided to tell.</summary>
    public static void Tell(NoticeLevel level, string text)
    {
        switch (level)
        {
            case NoticeLevel.Debug: Debug(text); break;
            case NoticeLevel.Info: Info(text); break;
            case NoticeLevel.Warn: Warn(text); break;
            default: Error(text); break;
        }
    }

    private static void Write(Verbosity level, string tag, string message)
    {
        if (level >= Verbosity)
        {
            Console.Out.WriteLine($"{Prefix} {tag}{message}");
        }
    }
}
