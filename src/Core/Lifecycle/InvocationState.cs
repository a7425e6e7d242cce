using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What the core knows of invocations from telemetry: whose lines are arriving, and which have ended.</summary>
/// <param name="Context">The invocation lines are being logged in, from its platform.start to its runtimeDone.</param>
/// <param name="RecentRequests">The requests lines named lately outside any known invocation (a subscription without
/// platform records, Managed Instances): their lines share their metadata instead of each making their own.</param>
/// <param name="RecentRuntimeDone">Request ids whose <c>runtimeDone</c> came before their INVOKE was seen.</param>
/// <param name="ReportDue">The last invocation whose platform.report has not arrived: the platform sends it only after
/// the extension is back in /event/next, so at SHUTDOWN it is worth waiting for.</param>
/// <param name="TelemetrySeen">Whether the platform has delivered anything since the subscription: until it has, it has
/// not proven it sends the records an invocation would wait for (see <see cref="TelemetryProof"/>).</param>
/// <param name="PlatformSilent">An invocation waited its bound for a first delivery in vain: until one comes, no
/// invocation waits for telemetry at all.</param>
internal sealed record InvocationState(InvocationContext? Context, RecentRequests RecentRequests, Seq<string> RecentRuntimeDone, string? ReportDue,
    bool TelemetrySeen = false, bool PlatformSilent = false)
{
    private const int RecentRuntimeDoneKept = 8;

    public static InvocationState None { get; } = new(null, RecentRequests.None, Seq<string>(), null);

    public InvocationState RememberRuntimeDone(string requestId)
    {
        var recent = RecentRuntimeDone.Add(requestId);
        return this with { RecentRuntimeDone = recent.Count > RecentRuntimeDoneKept ? recent.WithoutFirst() : recent };
    }
}
