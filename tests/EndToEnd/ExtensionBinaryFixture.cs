namespace LokiLambdaExtension.EndToEnd;

/// <summary>Publishes the AOT binary once per run (or takes LOKI_EXTENSION_BINARY, e.g. an arm64 build under qemu).</summary>
public sealed class ExtensionBinaryFixture
{
    public string Path { get; } = ExtensionBinary.Locate();

    public SandboxOptions Options(Uri lokiUrl, params (string Name, string Value)[] environment) =>
        ExtensionBinary.Options(Path, environment.Append(("LOKI_PUSH_URL", lokiUrl.ToString())).ToDictionary(e => e.Item1, e => e.Item2));
}

[CollectionDefinition(Name)]
public sealed class ExtensionCollection : ICollectionFixture<ExtensionBinaryFixture>
{
    public const string Name = "extension binary";
}
