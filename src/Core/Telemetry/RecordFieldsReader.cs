using System.Text.Json;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Picks the known fields out of a record object (platform records, JSON-format log records). Fields of an unexpected type are ignored
/// rather than failing the record: the platform's schema grows, and the whole record is still shipped as JSON.</summary>
internal static class RecordFieldsReader
{
    /// <summary>For text that may or may not be a JSON object (a line a function printed): null when it is not.</summary>
    public static RecordFields? TryRead(ReadOnlySpan<byte> text)
    {
        try
        {
            var reader = new Utf8JsonReader(text);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            reader.Skip();
            return reader.BytesConsumed == text.TrimEnd(" \t\r\n"u8).Length ? Read(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static RecordFields Read(ReadOnlySpan<byte> recordJson)
    {
        var reader = new Utf8JsonReader(recordJson);
        var fields = new RecordFields();
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metrics"u8))
            {
                reader.Read();
                fields = ReadMetrics(ref reader, fields);
                continue;
            }
            if (reader.ValueTextEquals("tracing"u8))
            {
                reader.Read();
                fields = ReadTracing(ref reader, fields);
                continue;
            }
            if (reader.ValueTextEquals("events"u8) || reader.ValueTextEquals("types"u8))
            {
                reader.Read();
                fields.Items = ReadStrings(ref reader);
                continue;
            }
            fields = ReadScalar(ref reader, fields);
        }
        return fields;
    }

    private static RecordFields ReadScalar(ref Utf8JsonReader reader, RecordFields fields)
    {
        if (reader.ValueTextEquals("droppedBytes"u8)) { reader.Read(); fields.DroppedBytes = Int64(ref reader); return fields; }
        if (reader.ValueTextEquals("droppedRecords"u8)) { reader.Read(); fields.DroppedRecords = Int64(ref reader); return fields; }

        int property = PropertyIndex(ref reader);
        reader.Read();
        if (property == LogFieldNames.Level && reader.TokenType == JsonTokenType.Number)
        {
            fields.Level ??= LogFieldNames.NumericLevel(ref reader);
            return fields;
        }
        if (property < 0 || reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return fields;
        }
        string value = TelemetryBodyParser.ReadString(ref reader);
        switch (property)
        {
            case 0: fields.RequestId = value; break;
            case 1: fields.Version = value; break;
            case 2: fields.Status = value; break;
            case 3: fields.ErrorType = value; break;
            case 4: fields.RuntimeVersion = value; break;
            case 5: fields.RuntimeVersionArn = value; break;
            case 6: fields.InitializationType = value; break;
            case 7: fields.Reason = value; break;
            case 8: fields.Level = value; break;
            case 10: fields.Phase = value; break;
            case 11: fields.Name = value; break;
            case 12: fields.State = value; break;
            case 13: fields.TenantId = value; break;
            default: fields.TraceId = value; break;
        }
        return fields;
    }

    private static int PropertyIndex(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("requestId"u8) ? 0
        : reader.ValueTextEquals("version"u8) ? 1
        : reader.ValueTextEquals("status"u8) ? 2
        : reader.ValueTextEquals("errorType"u8) ? 3
        : reader.ValueTextEquals("runtimeVersion"u8) ? 4
        : reader.ValueTextEquals("runtimeVersionArn"u8) ? 5
        : reader.ValueTextEquals("initializationType"u8) ? 6
        : reader.ValueTextEquals("reason"u8) ? 7
        : reader.ValueTextEquals("level"u8) ? 8
        : reader.ValueTextEquals("traceId"u8) ? 9
        : reader.ValueTextEquals("phase"u8) ? 10
        : reader.ValueTextEquals("name"u8) ? 11
        : reader.ValueTextEquals("state"u8) ? 12
        : reader.ValueTextEquals("tenantId"u8) ? 13
        : LogFieldNames.Index(ref reader);

    private static RecordFields ReadMetrics(ref Utf8JsonReader reader, RecordFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return fields;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool duration = reader.ValueTextEquals("durationMs"u8);
            bool billed = reader.ValueTextEquals("billedDurationMs"u8);
            bool memory = reader.ValueTextEquals("memorySizeMB"u8);
            bool maxMemory = reader.ValueTextEquals("maxMemoryUsedMB"u8);
            bool init = reader.ValueTextEquals("initDurationMs"u8);
            bool restore = reader.ValueTextEquals("restoreDurationMs"u8);
            bool billedRestore = reader.ValueTextEquals("billedRestoreDurationMs"u8);
            reader.Read();
            double? value = Double(ref reader);
            if (duration) { fields.DurationMs = value; }
            else if (billed) { fields.BilledDurationMs = value; }
            else if (memory) { fields.MemorySizeMb = value; }
            else if (maxMemory) { fields.MaxMemoryUsedMb = value; }
            else if (init) { fields.InitDurationMs = value; }
            else if (restore) { fields.RestoreDurationMs = value; }
            else if (billedRestore) { fields.BilledRestoreDurationMs = value; }
        }
        return fields;
    }

    private static RecordFields ReadTracing(ref Utf8JsonReader reader, RecordFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return fields;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isValue = reader.ValueTextEquals("value"u8);
            bool isSpan = reader.ValueTextEquals("spanId"u8);
            reader.Read();
            if ((isValue || isSpan) && reader.TokenType == JsonTokenType.String)
            {
                string text = TelemetryBodyParser.ReadString(ref reader);
                if (isValue)
                {
                    fields.TracingValue = text;
                }
                else
                {
                    fields.SpanId = text;
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return fields;
    }

    /// <summary>An array of strings as CloudWatch prints it: <c>INVOKE, SHUTDOWN</c>. Anything else is skipped.</summary>
    private static string? ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }
        var items = new System.Text.StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                items.Append(items.Length > 0 ? ", " : "").Append(TelemetryBodyParser.ReadString(ref reader));
            }
            else
            {
                reader.Skip();
            }
        }
        return items.ToString();
    }

    private static double? Double(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double value))
        {
            return value;
        }
        reader.Skip();
        return null;
    }

    private static long? Int64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
        {
            return value;
        }
        reader.Skip();
        return null;
    }
}
