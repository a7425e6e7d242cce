using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.Tools.Sandbox;

/// <summary>The readable end of a sandbox run: streams and labels, sample entries with metadata, push counts, timings.</summary>
internal static class Report
{
    public static void Print(LokiReceiver? receiver, LambdaSandbox sandbox, IReadOnlyList<InvocationResult> results, ShutdownResult shutdown)
    {
        Console.WriteLine();
        if (receiver is not null)
        {
            var entries = receiver.Entries;
            var pushes = receiver.Pushes;
            Console.WriteLine($"== What Loki received: {entries.Count} entries in {pushes.Count} pushes " +
                              $"({pushes.Count(p => p.Status == 204)} stored, {pushes.Count(p => p.Status != 204)} refused) ==");
            foreach (var stream in entries.GroupBy(e => e.Labels))
            {
                Console.WriteLine($"stream {stream.Key}: {stream.Count()} entries");
                foreach (ReceivedEntry entry in stream.Take(16))
                {
                    string time = DateTimeOffset.FromUnixTimeMilliseconds(entry.UnixNanos / 1_000_000).ToString("HH:mm:ss.fff");
                    string metadata = entry.Metadata.Count == 0 ? "" : "  {" + string.Join(", ", entry.Metadata.Select(m => $"{m.Key}={m.Value}")) + "}";
                    string[] lines = entry.Line.Split('\n');
                    Console.WriteLine($"  {time}  {Shorten(lines[0].Replace("\t", " \\t "), 110)}{metadata}");
                    // A joined stack trace: its lines under its first, indented.
                    foreach (string line in lines.Skip(1))
                    {
                        Console.WriteLine($"                {Shorten(line.Replace("\t", "\\t"), 110)}");
                    }
                }
                if (stream.Count() > 16)
                {
                    Console.WriteLine($"  ... {stream.Count() - 16} more");
                }
            }
            foreach (ReceivedPush refused in pushes.Where(p => p.Status != 204))
            {
                Console.WriteLine($"refused push #{refused.Index}: HTTP {refused.Status} {refused.Answer}");
            }
        }
        Console.WriteLine();
        Console.WriteLine("== The extension ==");
        Console.WriteLine($"start -> first /event/next: {sandbox.StartToFirstNext.TotalMilliseconds:F1} ms");
        if (results.Count > 0)
        {
            var held = results.Select(r => r.HeldAfterRuntimeDone.TotalMilliseconds).Order().ToList();
            Console.WriteLine($"held after runtimeDone: median {held[held.Count / 2]:F1} ms, max {held[^1]:F1} ms over {held.Count} invocations");
        }
        Console.WriteLine($"peak RSS (VmHWM): {shutdown.PeakRssKb / 1024.0:F1} MB; CPU: {shutdown.CpuTime.TotalMilliseconds:F0} ms");
        Console.WriteLine($"shutdown: {(shutdown.Killed ? "SIGKILLed at the deadline" : $"exit {shutdown.ExitCode} in {shutdown.Duration.TotalMilliseconds:F0} ms")}");
        string? summary = sandbox.Output.LastOrDefault(l => l.Contains("shutdown:"));
        if (summary is not null)
        {
            Console.WriteLine($"extension's summary: {summary}");
        }
        foreach (string error in sandbox.ProtocolErrors)
        {
            Console.WriteLine($"PROTOCOL ERROR: {error}");
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
