using System.Collections.Immutable;

namespace LokiLambdaExtension.EndToEnd.Hostile;

/// <summary>What an earlier process, another program or an attacker may have left in the spool directory on /tmp: names
/// whose numbers overflow, a file far larger than its name, a link where the spool writes. None of it stops shipping,
/// is read past its name's bound, or is written through.</summary>
[Collection(ExtensionCollection.Name)]
public sealed class HostileSpoolTests(ExtensionBinaryFixture extension) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hostile-spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task NamesThatOverflowAndAFileFarLargerThanItsName_AreSetAside_TheGoodFileAndNewLinesArrive()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllBytes(Path.Combine(_directory, "000000000001-1-9223372036854775807.spool"), new byte[100]);
        File.WriteAllBytes(Path.Combine(_directory, "000000000002-1-9223372036854775807.spool"), new byte[100]);
        using (FileStream large = File.Create(Path.Combine(_directory, "000000000003-1-100.spool")))
        {
            large.SetLength(300L * 1024 * 1024); // sparse: 300 MB named as 100 bytes
        }
        File.WriteAllBytes(Path.Combine(_directory, "000000000004.partial"), new byte[10]); // a write that did not finish
        WriteGoodFile(5, "left by the process before");
        await using var loki = LokiReceiver.Start();
        await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_SPOOL_DIR", _directory)));

        await sandbox.InvokeAsync(new Invocation("0000000a-5555-4000-8000-000000000000", [new TelemetryLine.Text("after a hostile spool")]));
        ShutdownResult shutdown = await sandbox.ShutdownAsync();

        Assert.Single(loki.Entries, e => e.Line == "left by the process before");
        Assert.Single(loki.Entries, e => e.Line.EndsWith("after a hostile spool", StringComparison.Ordinal));
        string said = Assert.Single(sandbox.Output, l => l.Contains("that this extension did not write whole", StringComparison.Ordinal));
        Assert.Contains("000000000001-1-9223372036854775807.spool (its name gives 9223372036854775807 bytes, more than memory may hold", said);
        Assert.Contains("000000000003-1-100.spool (it holds 314572800 bytes, far more than the 100 its name gives)", said);
        Assert.Contains("000000000004.partial (left by a write that did not finish)", said);
        Assert.DoesNotContain(sandbox.Output, l => l.Contains("unexpected error", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(_directory));
        HostileListenerTests.AssertBackWithinItsFigure(shutdown);
    }

    [Fact]
    public async Task ALinkWhereTheSpoolWrites_IsNeverWrittenThrough_AndTheDirectoryIsTheOwnersAlone()
    {
        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_111_111);
        string victim = Path.Combine(Path.GetTempPath(), "spool-victim-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(victim, "precious");
        try
        {
            for (int id = 1; id <= 8; id++)
            {
                File.CreateSymbolicLink(Path.Combine(_directory, $"{id:D12}.partial"), victim);
            }
            await using var loki = LokiReceiver.Start();
            loki.SetPersistentFault(new Fault.Status(503, "down"));
            await using var sandbox = await LambdaSandbox.StartAsync(extension.Options(loki.BaseUrl, ("LOKI_SPOOL_DIR", _directory), ("LOKI_MAX_BUFFER_MB", "1")));
            string padding = new('s', 1000);
            for (int i = 1; i <= 3; i++)
            {
                await sandbox.InvokeAsync(new Invocation($"{i:D8}-6666-4000-8000-000000000000",
                    [.. Enumerable.Range(1, 400).Select(n => new TelemetryLine.Text($"spilled {i} {n} {padding}"))]));
            }
            await sandbox.ShutdownAsync();

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.True(ExtensionSummary.Number(sandbox.Output, "spilled") > 0, string.Join("\n", sandbox.Output));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
            Assert.NotEmpty(Directory.EnumerateFiles(_directory, "*.spool"));
            Assert.All(Directory.EnumerateFiles(_directory), path =>
            {
                Assert.Null(new FileInfo(path).LinkTarget);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            });
        }
        finally
        {
            File.Delete(victim);
        }
    }

    private void WriteGoodFile(long id, string line)
    {
        var entries = ImmutableArray.Create(new LogEntry(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000, line, StreamKind.Function));
        File.WriteAllBytes(Path.Combine(_directory, $"{id:D12}-{entries.Length}-{entries.Sum(e => (long)e.ApproximateBytes)}.spool"), SpoolFormat.Write(entries));
    }
}
