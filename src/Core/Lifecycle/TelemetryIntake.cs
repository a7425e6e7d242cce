using System.Collections.Immutable;
using LokiLambdaExtension.Core.Entries;
using LokiLambdaExtension.Core.Shaping;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The one way a Telemetry API body becomes the core's observation: parsed (the lines written into the
/// shell's arena), stack traces joined, the drop and mask patterns applied, fingerprinted. The shell calls it on its
/// intake thread, so the patterns run off the decision loop; the tests and snapshots take the same path, so a body is
/// never shipped unsifted because one caller forgot a step.</summary>
public sealed class TelemetryIntake(LifecycleSettings settings)
{
    /// <summary>Where received lines are written: one body at a time, on the intake's thread.</summary>
    private readonly LineArena _lines = new();

    /// <summary>The observation of <paramref name="body"/> (none when it holds no record), and what could not be read
    /// of it (shipped regardless, as an 'unparsed' entry, by the parser).</summary>
    /// <param name="wallUnixNanos">The time of a record that carries none.</param>
    /// <param name="draw">A uniform draw in [0, 1,000,000): the sandbox discriminator should this body be the first
    /// after a restore.</param>
    public (Observation? Received, string? Problem) Read(ReadOnlySpan<byte> body, long nowMs, long wallUnixNanos, long draw) =>
        Read(body, nowMs, wallUnixNanos, draw, _lines, settings.Shaping);

    /// <summary>As above, shaped by <paramref name="shaping"/>.</summary>
    internal static (TelemetryReceived? Received, string? Problem) Read(ReadOnlySpan<byte> body, long nowMs, long wallUnixNanos, long draw,
        LineArena lines, EntryShaping shaping)
    {
        TelemetryParseResult result = TelemetryBodyParser.Parse(body, wallUnixNanos, lines);
        string? problem = result.Problem.Case as string;
        if (result.Records.IsEmpty)
        {
            return (null, problem);
        }
        ImmutableArray<TelemetryRecord> records = shaping.Joined(result.Records);
        LineVerdicts? verdicts = shaping.Filter.Sift(records, shaping.MaxLineBytes);
        return (new TelemetryReceived(nowMs, records, BodyDigest.Of(body), verdicts, draw), problem);
    }
}
