using FsCheck;
using FsCheck.Fluent;

namespace LokiLambdaExtension.Properties;

/// <summary>What the world around the extension can do next, as FsCheck generates it: the lifecycle simulation plays
/// a list of moves, skipping those that cannot happen in the state it is in (telemetry while frozen, an answer with no
/// push in flight), so any sub-list of a run is a run too, and a failing run shrinks to a short one.</summary>
/// <param name="Amount">A size or a duration, by kind; <paramref name="Roll"/> picks among variants.</param>
public readonly record struct WorldMove(MoveKind Kind, int Amount, int Roll)
{
    public override string ToString() => $"{Kind}({Amount},{Roll})";

    private static readonly Gen<WorldMove> Move = Gen.Frequency(
        (4, Of(MoveKind.Wait, 0, 60)),
        (5, Of(MoveKind.Answer, 0, 0)),
        (3, Of(MoveKind.Invoke, 300, 5000)),
        (6, Of(MoveKind.Lines, 0, 6)),
        (2, Of(MoveKind.RuntimeDone, 0, 0)),
        (1, Of(MoveKind.PlatformExtras, 0, 0)),
        (1, Of(MoveKind.Shutdown, 0, 0)));

    private static Gen<WorldMove> Of(MoveKind kind, int min, int max) =>
        from amount in Gen.Choose(min, max)
        from roll in Gen.Choose(0, 99)
        select new WorldMove(kind, amount, roll);

    /// <summary>Runs of up to <paramref name="length"/> moves, shrinking by halves, then one move at a time.</summary>
    public static Arbitrary<WorldMove[]> Runs(int length) =>
        Arb.From(Gen.Choose(1, length).SelectMany(n => Move.ArrayOf(n)), Shorter);

    private static IEnumerable<WorldMove[]> Shorter(WorldMove[] moves)
    {
        if (moves.Length <= 1)
        {
            yield break;
        }
        yield return moves[..(moves.Length / 2)];
        yield return moves[(moves.Length / 2)..];
        for (int i = moves.Length - 1; i >= 0; i--)
        {
            yield return [.. moves[..i], .. moves[(i + 1)..]];
        }
    }
}

public enum MoveKind
{
    /// <summary>Time passes (a timer or a push's cut-off may come first).</summary>
    Wait,
    /// <summary>Loki answers the push in flight, each stream in its own way (by the roll).</summary>
    Answer,
    /// <summary>The extension, waiting in /event/next, gets an INVOKE whose deadline is the amount away (some rolls: SHUTDOWN).</summary>
    Invoke,
    /// <summary>A telemetry body of that many function lines (some kept back by the drop pattern), while thawed.</summary>
    Lines,
    /// <summary>The invocation's platform.runtimeDone, once.</summary>
    RuntimeDone,
    /// <summary>A platform.logsDropped, a platform.report of the last invocation, or a line with no request.</summary>
    PlatformExtras,
    /// <summary>SHUTDOWN, when the extension is in /event/next.</summary>
    Shutdown,
}
