using LanguageExt;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>What a Telemetry API body yielded: every record that could be read, and what was wrong, if anything.
/// A malformed element does not cost the well-formed ones around it.</summary>
internal sealed record TelemetryParseResult(Seq<TelemetryRecord> Records, Option<string> Problem);
