using System.Globalization;
using System.Text.Json;

namespace LokiLambdaExtension.EndToEnd;

[Collection(ExtensionCollection.Name)]
public sealed class WalkingSkeletonTests(ExtensionBinaryFixture extension)
{
    private const int Invocations = 5;
    private const int LinesPerInvocation = 20;

    [Fact]
    public async Task FiveInvocations_TextAndJsonLines_ArriveExactlyOnceBeforeEachFreezeWithTheirRecordTime()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl));
        string run = Guid.NewGuid().ToString("N")[..8];

        var results = new List<(InvocationResult Result, List<string> Messages)>();
        for (int i = 1; i <= Invocations; i++)
        {
            bool json = i % 2 == 0;
            var messages = Enumerable.Range(1, LinesPerInvocation).Select(n => $"{run} invocation {i} line {n}").ToList();
            var lines = messages.Select(m => json ? (TelemetryLine)new TelemetryLine.Json(m) : new TelemetryLine.Text(m)).ToList();
            InvocationResult result = await sandbox.InvokeAsync(new Invocation($"{i:D8}-0000-4000-8000-{run}0000", lines));
            results.Add((result, messages));
        }
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Empty(sandbox.ProtocolErrors);
        Assert.False(shutdown.Killed, "SIGKILLed at the SHUTDOWN deadline");
        Assert.Equal(0, shutdown.ExitCode);
        Assert.All(loki.Pushes, push => Assert.Equal(204, push.Status));
        var entries = loki.Entries;
        var sandboxNanos = new HashSet<long>();
        foreach (var (result, messages) in results)
        {
            foreach (string message in messages)
            {
                var matching = entries.Where(e => e.Line.Contains(message + "\"") || e.Line.EndsWith(message, StringComparison.Ordinal)).ToList();
                ReceivedEntry entry = Assert.Single(matching);
                Assert.True(entry.ArrivedAt <= result.FrozenAt,
                    $"'{message}' arrived at {entry.ArrivedAt:O}, after the freeze at {result.FrozenAt:O}");
                // The record's millisecond; below it, the sandbox's discriminator (and a nanosecond per line logged
                // earlier in the same millisecond), which every entry of the run shares.
                Assert.Equal(RecordTimeUnixNanos(entry.Line) / 1_000_000, entry.UnixNanos / 1_000_000);
                sandboxNanos.Add(entry.UnixNanos % 1_000_000 / 1000);
                Assert.Equal("function", entry.LabelMap["source"]);
                Assert.Equal("orders-api", entry.LabelMap["service_name"]);
            }
            Assert.Single(entries, e => e.Line == $"END RequestId: {result.RequestId}" && e.ArrivedAt <= result.FrozenAt);
            Assert.Single(entries, e => e.Line.StartsWith($"START RequestId: {result.RequestId}", StringComparison.Ordinal));
            Assert.Single(entries, e => e.Line.StartsWith($"REPORT RequestId: {result.RequestId}\t", StringComparison.Ordinal));
        }
        NothingSentTwice.Check(loki, sandbox);
        Assert.True(sandboxNanos.Count <= 2, $"entries below the millisecond: {string.Join(", ", sandboxNanos)} µs"); // one discriminator, maybe a carry
        Assert.Contains(sandbox.Output, line => line.Contains("shutdown: received=") && line.Contains("unsent=0"));
    }

    [Fact]
    public async Task Start_RegistersSubscribesAndReachesNext_WithTheTelemetryApiAsSpecified()
    {
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_EXTENSION_PORT", "0")));

        TelemetrySubscription subscription = Assert.IsType<TelemetrySubscription>(sandbox.Subscription);
        Assert.Equal("telemetry", subscription.Api);
        Assert.Equal("2025-01-29", subscription.SchemaVersion);
        Assert.Equal(["platform", "function"], subscription.Types);
        Assert.Equal((1000, 262_144, 25), (subscription.MaxItems, subscription.MaxBytes, subscription.TimeoutMs));
        Assert.Equal("sandbox.localdomain", subscription.Destination.Host);
        Assert.NotNull(sandbox.RegisteredAt);
        Assert.NotNull(sandbox.FirstNextAt);
        Assert.Empty(sandbox.ProtocolErrors);
        Assert.Contains(sandbox.Output, line => line.Contains("LOKI_EXTENSION_PORT='0' is not a port number from 1 to 65535; using 1234"));
    }

    [Fact]
    public async Task Start_PortTaken_ListensOnAFreePortAndSaysSo()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        blocker.Start();
        int taken = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(
            extension.Options(loki.BaseUrl, ("LOKI_EXTENSION_PORT", taken.ToString(CultureInfo.InvariantCulture))));

        await sandbox.InvokeAsync(new Invocation("port-test-0000", [new TelemetryLine.Text("after the port clash")]));
        await sandbox.ShutdownAsync();

        Assert.Contains(sandbox.Output, line => line.Contains($"port {taken} is taken"));
        Assert.NotEqual(taken, sandbox.Subscription!.Destination.Port);
        Assert.Single(loki.Entries, e => e.Line.EndsWith("after the port clash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Push_CarriesBearerTokenAndProtobufContentType()
    {
        await using var loki = LokiReceiver.Start(new ReceiverOptions { RequiredAuthorization = "Bearer s3cr3t-t0ken" });
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_AUTH_TOKEN", "s3cr3t-t0ken")));

        await sandbox.InvokeAsync(new Invocation("auth-test-0000", [new TelemetryLine.Text("authorised line")]));
        await sandbox.ShutdownAsync();

        ReceivedPush push = Assert.Single(loki.Pushes.Where(p => p.EntriesStored > 0).Take(1));
        Assert.Equal(204, push.Status);
        Assert.Equal("application/x-protobuf", push.ContentType);
        Assert.DoesNotContain(sandbox.Output, line => line.Contains("s3cr3t-t0ken"));
    }

    /// <summary>The time the runtime printed in the line (text format) or its <c>timestamp</c> field (JSON format):
    /// the emulator makes it the record's own <c>time</c>.</summary>
    private static long RecordTimeUnixNanos(string line)
    {
        string time = line.StartsWith('{')
            ? JsonDocument.Parse(line).RootElement.GetProperty("timestamp").GetString()!
            : line[..line.IndexOf('\t')];
        var parsed = DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return (parsed.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }
}
