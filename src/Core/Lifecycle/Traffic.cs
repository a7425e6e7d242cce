namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>How busy the function is: the last invocation's time and a running average of the gaps between
/// invocations (each new gap weighs a quarter), and when the last push started.</summary>
internal readonly record struct Traffic(long LastInvokeAtMs, long GapAverageMs, long LastPushAtMs)
{
    public static Traffic None { get; } = new(0, long.MaxValue / 4, 0);

    public Traffic Invoked(long nowMs) => this with
    {
        LastInvokeAtMs = nowMs,
        GapAverageMs = LastInvokeAtMs == 0 ? GapAverageMs : (3 * Math.Min(GapAverageMs, 3_600_000) + (nowMs - LastInvokeAtMs)) / 4,
    };
}
