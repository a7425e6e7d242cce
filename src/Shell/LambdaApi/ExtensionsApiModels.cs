using System.Buffers;
using System.Text.Json;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>An event from <c>/event/next</c>: INVOKE or SHUTDOWN.</summary>
internal sealed record NextEvent(string? EventType, long DeadlineMs, string? RequestId, string? ShutdownReason);

/// <summary>A Telemetry API or Logs API subscription (the Logs API has no schema version).</summary>
internal sealed record SubscriptionRequest(string? SchemaVersion, string[] Types, int MaxItems, int MaxBytes, int TimeoutMs, string DestinationUri);

/// <summary>The bodies of the Extensions, Telemetry and Logs APIs, written with <see cref="Utf8JsonWriter"/> and read with
/// <see cref="Utf8JsonReader"/>: five small shapes do not justify the serializer's machinery in a binary whose size
/// is every cold start's.</summary>
internal static class LambdaApiJson
{
    public static byte[] Register(IReadOnlyList<string> events) => Write(writer =>
    {
        writer.WriteStartArray("events");
        foreach (string e in events)
        {
            writer.WriteStringValue(e);
        }
        writer.WriteEndArray();
    });

    public static byte[] Subscription(SubscriptionRequest subscription) => Write(writer =>
    {
        if (subscription.SchemaVersion is { } schema)
        {
            writer.WriteString("schemaVersion", schema);
        }
        writer.WriteStartArray("types");
        foreach (string type in subscription.Types)
        {
            writer.WriteStringValue(type);
        }
        writer.WriteEndArray();
        writer.WriteStartObject("buffering");
        writer.WriteNumber("maxItems", subscription.MaxItems);
        writer.WriteNumber("maxBytes", subscription.MaxBytes);
        writer.WriteNumber("timeoutMs", subscription.TimeoutMs);
        writer.WriteEndObject();
        writer.WriteStartObject("destination");
        writer.WriteString("protocol", "HTTP");
        writer.WriteString("URI", subscription.DestinationUri);
        writer.WriteEndObject();
    });

    public static byte[] Error(string errorType, string message) => Write(writer =>
    {
        writer.WriteString("errorMessage", message);
        writer.WriteString("errorType", errorType);
    });

    /// <summary>Reads the fields of an event that the extension acts on; others are skipped.</summary>
    public static NextEvent ReadNextEvent(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        string? eventType = null, requestId = null, shutdownReason = null;
        long deadlineMs = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("event/next answered something other than a JSON object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString() ?? "";
            reader.Read();
            switch (name)
            {
                case "eventType" when reader.TokenType == JsonTokenType.String: eventType = reader.GetString(); break;
                case "requestId" when reader.TokenType == JsonTokenType.String: requestId = reader.GetString(); break;
                case "shutdownReason" when reader.TokenType == JsonTokenType.String: shutdownReason = reader.GetString(); break;
                case "deadlineMs" when reader.TokenType == JsonTokenType.Number: deadlineMs = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }
        return new NextEvent(eventType, deadlineMs, requestId, shutdownReason);
    }

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
