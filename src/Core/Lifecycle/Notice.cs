namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Something the extension tells its user (in the function's logs) about delivery: the core decides what and
/// when, the shell prints it.</summary>
internal sealed record Notice(NoticeLevel Level, string Text);

public enum NoticeLevel
{
    Debug,
    Info,
    Warn,
    Error,
}
