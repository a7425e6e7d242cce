namespace LokiLambdaExtension.Core.Configuration;

/// <summary>When an invocation's lines are pushed (<c>LOKI_FLUSH_STRATEGY</c>).</summary>
internal enum FlushMode
{
    /// <summary>At the end of every invocation, before <c>/event/next</c>: logs are in Loki before each freeze.</summary>
    End,

    /// <summary>At most once per period, while the sandbox is thawed, batching across invocations; an invocation is
    /// held only when a push is due at its end.</summary>
    Periodic,

    /// <summary><see cref="Periodic"/> while invocations come faster than <see cref="FlushStrategy.BusyGapMs"/> apart on
    /// average, <see cref="End"/> otherwise: a busy function is not held at every invocation, and a quiet one does not
    /// leave lines in the buffer across a long idle gap.</summary>
    Adaptive,
}

internal sealed record FlushStrategy(FlushMode Mode, long PeriodMs)
{
    /// <summary>Average gap between invocations under which a function counts as busy: more than 4 per second.</summary>
    public const long BusyGapMs = 250;

    public static FlushStrategy End { get; } = new(FlushMode.End, 0);

    public static FlushStrategy Adaptive { get; } = new(FlushMode.Adaptive, 1000);
}
