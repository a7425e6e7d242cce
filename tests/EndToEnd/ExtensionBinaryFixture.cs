namespace LokiLambdaExtension.EndToEnd;

/// <summary>Publishes the AOT binary once per run (or takes LOKI_EXTENSION_BINARY, e.g. an arm64 build under qemu).</summary>
public sealed class ExtensionBinaryFixture
{
    public string Path { get; } = ExtensionBinary.Locate();

    /// <summary>Each sandbox gets a spool folder of its own unless the test names one: /tmp is the machine's, and what
    /// one test's extension left in the default folder at SHUTDOWN (a blocked tenant's loss report, once) was found and
    /// shipped by the next test's, as a reused environment's next process rightly does.</summary>
    public SandboxOptions Options(Uri lokiUrl, params (string Name, string Value)[] environment)
    {
        var variables = new Dictionary<string, string>
        {
            ["LOKI_SPOOL_DIR"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "e2e-spool-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }
        variables["LOKI_PUSH_URL"] = lokiUrl.ToString();
        return ExtensionBinary.Options(Path, variables);
    }
}

[CollectionDefinition(Name)]
public sealed class ExtensionCollection : ICollectionFixture<ExtensionBinaryFixture>
{
    public const string Name = "extension binary";
}
