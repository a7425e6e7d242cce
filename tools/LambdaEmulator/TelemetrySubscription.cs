using System.Text.Json;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>A subscription as the platform accepted it, after the same validation the Telemetry API applies.</summary>
public sealed record TelemetrySubscription(string Api, string? SchemaVersion, IReadOnlyList<string> Types,
    int MaxItems, int MaxBytes, int TimeoutMs, Uri Destination)
{
    private static readonly string[] KnownTypes = ["platform", "function", "extension"];

    /// <summary>Parses and validates a subscription body; on failure returns the platform's error message.</summary>
    public static (TelemetrySubscription? Subscription, string? Error) Parse(string api, string body, IReadOnlyList<string> schemas)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            string? schema = root.TryGetProperty("schemaVersion", out var s) ? s.GetString() : null;
            if (api == "telemetry" && (schema is null || !schemas.Contains(schema)))
            {
                return (null, $"unsupported schemaVersion '{schema}' (this platform takes {string.Join(", ", schemas)})");
            }
            if (!root.TryGetProperty("types", out var typesElement) || typesElement.ValueKind != JsonValueKind.Array)
            {
                return (null, "types is required");
            }
            var types = typesElement.EnumerateArray().Select(t => t.GetString() ?? "").ToList();
            if (types.Count == 0 || types.Any(t => !KnownTypes.Contains(t)))
            {
                return (null, $"types must be a non-empty subset of platform, function, extension: [{string.Join(",", types)}]");
            }
            var (maxItems, maxBytes, timeoutMs) = (1000, 262_144, 1000);
            if (root.TryGetProperty("buffering", out var buffering))
            {
                maxItems = buffering.TryGetProperty("maxItems", out var i) ? i.GetInt32() : maxItems;
                maxBytes = buffering.TryGetProperty("maxBytes", out var b) ? b.GetInt32() : maxBytes;
                timeoutMs = buffering.TryGetProperty("timeoutMs", out var t) ? t.GetInt32() : timeoutMs;
            }
            if (maxItems is < 1000 or > 10_000 || maxBytes is < 262_144 or > 1_048_576 || timeoutMs is < 25 or > 30_000)
            {
                return (null, $"buffering out of bounds: maxItems {maxItems} (1000-10000), maxBytes {maxBytes} " +
                              $"(262144-1048576), timeoutMs {timeoutMs} (25-30000)");
            }
            if (!root.TryGetProperty("destination", out var destination)
                || destination.GetProperty("protocol").GetString() != "HTTP"
                || !Uri.TryCreate(destination.GetProperty("URI").GetString(), UriKind.Absolute, out Uri? uri)
                || uri.Scheme != "http")
            {
                return (null, "destination must be {\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:PORT/...\"}");
            }
            if (uri.Host is not ("sandbox.localdomain" or "sandbox") || uri.Port == 9001)
            {
                return (null, $"destination {uri} must be sandbox.localdomain on a port other than 9001");
            }
            return (new TelemetrySubscription(api, schema, types, maxItems, maxBytes, timeoutMs, uri), null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, $"invalid subscription body: {e.Message}");
        }
    }

    public bool Wants(string type) => Types.Contains(type.StartsWith("platform.", StringComparison.Ordinal) ? "platform" : type);
}
