using LokiLambdaExtension.Tools.Emulator;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>Publishes the AOT binary once per run (or takes LOKI_EXTENSION_BINARY, e.g. an arm64 build under qemu).</summary>
public sealed class ExtensionBinaryFixture
{
    public ExtensionBinaryFixture()
    {
        Path = ExtensionBinary.Locate();
        if (Environment.GetEnvironmentVariable("LOKI_EXTENSION_LAUNCHER") is { Length: > 0 } launcher)
        {
            string[] parts = launcher.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Launcher = parts[0];
            LauncherArguments = parts[1..];
        }
    }

    public string Path { get; }

    /// <summary>A program that runs the binary, such as <c>qemu-aarch64-static -L /usr/aarch64-linux-gnu</c>.</summary>
    public string? Launcher { get; }

    public IReadOnlyList<string> LauncherArguments { get; } = [];

    public SandboxOptions Options(Uri lokiUrl, params (string Name, string Value)[] environment) => new(Path)
    {
        Environment = environment.Append(("LOKI_PUSH_URL", lokiUrl.ToString())).ToDictionary(e => e.Item1, e => e.Item2),
        Launcher = Launcher,
        LauncherArguments = LauncherArguments,
    };
}

[CollectionDefinition(Name)]
public sealed class ExtensionCollection : ICollectionFixture<ExtensionBinaryFixture>
{
    public const string Name = "extension binary";
}
