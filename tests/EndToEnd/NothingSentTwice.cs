using LokiLambdaExtension.Tools.LambdaEmulator;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.EndToEnd;

/// <summary>No entry reached the receiver twice unless the extension knew it might and said so. Loki drops such a copy
/// silently, so only the receiver can tell. A push the receiver stores but answers after the push's cut-off is sent
/// again, by design (at least once; Loki keeps one): the extension counts those entries as <c>maybe_duplicated</c> and
/// warns "no answer in time". That happens when the test process itself stalls, as it did once in CI's emulated arm64
/// pass (both init pushes of the Provisioned test, five entries; reproduced here with the receiver's Delay fault).
/// Any copy beyond that count is a defect. When the check fails, it prints the extension's lines and every push as
/// it arrived.</summary>
internal static class NothingSentTwice
{
    public static void Check(LokiReceiver loki, LambdaSandbox sandbox) => Check(loki, sandbox.Output);

    public static void Check(LokiReceiver loki, IReadOnlyList<string> extensionOutput)
    {
        int twice = loki.DuplicatesDropped;
        if (twice == 0 || twice <= ExtensionSummary.Number(extensionOutput, "maybe_duplicated"))
        {
            return;
        }
        string pushes = string.Join("\n", loki.Pushes.Select(p =>
            $"  push {p.Index} at {p.ArrivedAt:HH:mm:ss.fff}: {p.Status}, {p.Streams} stream(s), {p.EntriesStored} stored, {p.EntriesRejected} refused"));
        string entries = string.Join("\n", loki.Entries.Select(e => $"  push {e.PushIndex}: {e.Line}"));
        Assert.Fail($"{twice} entries reached the receiver twice, more than the extension counted as maybe duplicated.\n" +
                    $"The extension said:\n  {string.Join("\n  ", extensionOutput)}\nPushes:\n{pushes}\nEntries kept:\n{entries}");
    }
}
