using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>No entry reached the receiver twice (Loki would have dropped the copy silently, so only the receiver can
/// tell). When one did, the failure says what to look at: the extension's own lines (a push it cut or saw fail says
/// why) and every push as it arrived, so that a failure seen once, under CI's emulated arm64, can be read after the fact.</summary>
internal static class NothingSentTwice
{
    public static void Check(LokiReceiver loki, LambdaSandbox sandbox) => Check(loki, sandbox.Output);

    public static void Check(LokiReceiver loki, IReadOnlyList<string> extensionOutput)
    {
        int twice = loki.DuplicatesDropped;
        if (twice == 0)
        {
            return;
        }
        string pushes = string.Join("\n", loki.Pushes.Select(p =>
            $"  push {p.Index} at {p.ArrivedAt:HH:mm:ss.fff}: {p.Status}, {p.Streams} stream(s), {p.EntriesStored} stored, {p.EntriesRejected} refused"));
        string entries = string.Join("\n", loki.Entries.Select(e => $"  push {e.PushIndex}: {e.Line}"));
        Assert.Fail($"{twice} entries reached the receiver twice.\nThe extension said:\n  {string.Join("\n  ", extensionOutput)}\n" +
                    $"Pushes:\n{pushes}\nEntries kept:\n{entries}");
    }
}
