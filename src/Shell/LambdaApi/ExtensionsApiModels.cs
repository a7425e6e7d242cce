using System.Text.Json.Serialization;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>Bodies of the Extensions API (2020-01-01) and the Telemetry / Logs API subscriptions.</summary>
internal sealed record RegisterRequest([property: JsonPropertyName("events")] string[] Events);

internal sealed record RegisterResponse(
    [property: JsonPropertyName("functionName")] string? FunctionName,
    [property: JsonPropertyName("functionVersion")] string? FunctionVersion,
    [property: JsonPropertyName("handler")] string? Handler);

internal sealed record NextEvent(
    [property: JsonPropertyName("eventType")] string? EventType,
    [property: JsonPropertyName("deadlineMs")] long DeadlineMs,
    [property: JsonPropertyName("requestId")] string? RequestId,
    [property: JsonPropertyName("shutdownReason")] string? ShutdownReason);

internal sealed record SubscriptionRequest(
    [property: JsonPropertyName("schemaVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SchemaVersion,
    [property: JsonPropertyName("types")] string[] Types,
    [property: JsonPropertyName("buffering")] SubscriptionBuffering Buffering,
    [property: JsonPropertyName("destination")] SubscriptionDestination Destination);

internal sealed record SubscriptionBuffering(
    [property: JsonPropertyName("maxItems")] int MaxItems,
    [property: JsonPropertyName("maxBytes")] int MaxBytes,
    [property: JsonPropertyName("timeoutMs")] int TimeoutMs);

internal sealed record SubscriptionDestination(
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("URI")] string Uri);

internal sealed record ErrorRequest(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType);

[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(RegisterResponse))]
[JsonSerializable(typeof(NextEvent))]
[JsonSerializable(typeof(SubscriptionRequest))]
[JsonSerializable(typeof(ErrorRequest))]
internal sealed partial class LambdaApiJson : JsonSerializerContext;
