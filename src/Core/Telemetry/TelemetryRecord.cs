
namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>One element of a Telemetry API body: <c>{"time", "type", "record"}</c>.</summary>
/// <param name="UnixNanos">The record's <c>time</c>; the time it was received when <c>time</c> is missing or unreadable.</param>
/// <param name="Type">The <c>type</c> as sent, kept for records of types this code does not know.</param>
/// <param name="Text">The record when it is a string (text log lines), without its trailing newline.</param>
/// <param name="Json">The record as compact JSON when it is not a string (JSON log lines, platform records).</param>
/// <param name="Fields">Known fields of an object record; <see cref="RecordFields.None"/> for a string record.</param>
internal readonly record struct TelemetryRecord(
    long UnixNanos,
    string Type,
    TelemetryKind Kind,
    Utf8Line? Text,
    Utf8Line? Json,
    RecordFields Fields)
{
    public string? RequestId => Fields.RequestId;
}
