namespace LokiLambdaExtension.Shell;

/// <summary>The extension's own lines on stdout, where Lambda collects them. Kept few and plain: each says what
/// happened and what to do about it. Secrets are never passed here.</summary>
internal static class ExtensionLog
{
    private const string Prefix = "[loki-lambda-extension]";

    public static void Info(string message) => Console.Out.WriteLine($"{Prefix} {message}");

    public static void Error(string message) => Console.Out.WriteLine($"{Prefix} ERROR {message}");
}
