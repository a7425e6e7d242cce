using System.Collections.Immutable;
using LanguageExt;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>What a Telemetry API body yielded: every record that could be read, and what was wrong, if anything.
/// A malformed element does not cost the well-formed ones around it. The records are an array read in place by
/// index (a sequence's indexer and enumerator dispatch through an interface: 8% of a text line's instructions, issue 31).</summary>
internal sealed record TelemetryParseResult(ImmutableArray<TelemetryRecord> Records, Option<string> Problem);
