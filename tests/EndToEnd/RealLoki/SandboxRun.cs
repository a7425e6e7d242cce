namespace LokiLambdaExtension.EndToEnd.RealLokiSuite;

/// <summary>One emulated sandbox of a function, played to its end (invocations, then SHUTDOWN), and what it said.</summary>
internal sealed record SandboxRun(ShutdownResult Shutdown, IReadOnlyList<InvocationResult> Invocations, IReadOnlyList<string> Output)
{
    public static async Task<SandboxRun> PlayAsync(ExtensionBinaryFixture extension, Uri loki, string serviceName,
        IReadOnlyList<Invocation> invocations, params (string Name, string Value)[] environment)
    {
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki, [("LOKI_SERVICE_NAME", serviceName), .. environment]));
        var results = new List<InvocationResult>();
        foreach (Invocation invocation in invocations)
        {
            results.Add(await sandbox.InvokeAsync(invocation));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();
        Assert.Empty(sandbox.ProtocolErrors);
        return new SandboxRun(shutdown, results, sandbox.Output);
    }

    /// <summary>A number from the extension's summary line (<c>shutdown: received=… sent=…</c>).</summary>
    public long Summary(string name) => ExtensionSummary.Number(Output, name);

    /// <summary>A plain printed line (a Python <c>print</c>, Java <c>System.out</c>): no request id, no level.</summary>
    public static TelemetryLine Printed(string text, DateTimeOffset at) =>
        new TelemetryLine.Raw("function", System.Text.Json.JsonSerializer.Serialize(text + "\n"), at);
}
