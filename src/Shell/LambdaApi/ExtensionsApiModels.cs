using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LokiLambdaExtension.Shell.LambdaApi;

/// <summary>An event from <c>/event/next</c>: INVOKE or SHUTDOWN.</summary>
internal sealed record NextEvent(string? EventType, long DeadlineMs, string? RequestId, string? ShutdownReason);

/// <summary>A Telemetry API or Logs API subscription (the Logs API has no schema version).</summary>
internal sealed record SubscriptionRequest(string? SchemaVersion, string[] Types, int MaxItems, int MaxBytes, int TimeoutMs, string DestinationUri);

/// <summary>The bodies of the Extensions, Telemetry and Logs APIs, read with <see cref="Utf8JsonReader"/>: five small
/// shapes do not justify the serializer's machinery in a binary whose size is every cold start's. The registration
/// and the subscription, sent at every start, are written as text (<see cref="JsonText"/>): the first string a
/// <see cref="Utf8JsonWriter"/> writes builds <c>JavaScriptEncoder.Default</c>, whose static constructor was 2% of the
/// CPU before the first <c>/event/next</c>. The rare error body keeps the writer.</summary>
internal static class LambdaApiJson
{
    public static byte[] Register(IReadOnlyList<string> events) =>
        JsonText.Bytes(new StringBuilder("{\"events\":").AppendStrings(events).Append('}'));

    public static byte[] Subscription(SubscriptionRequest subscription)
    {
        var body = new StringBuilder("{");
        if (subscription.SchemaVersion is { } schema)
        {
            body.Append("\"schemaVersion\":").AppendString(schema).Append(',');
        }
        body.Append("\"types\":").AppendStrings(subscription.Types)
            .Append(CultureInfo.InvariantCulture,
                $",\"buffering\":{{\"maxItems\":{subscription.MaxItems},\"maxBytes\":{subscription.MaxBytes},\"timeoutMs\":{subscription.TimeoutMs}}},")
            .Append("\"destination\":{\"protocol\":\"HTTP\",\"URI\":").AppendString(subscription.DestinationUri).Append("}}");
        return JsonText.Bytes(body);
    }

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
