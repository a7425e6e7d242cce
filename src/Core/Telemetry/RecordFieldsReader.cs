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
        var reader = new CompactnessReader(new Utf8JsonReader(recordJson), recordJson);
        reader.Read();
        return Read(ref reader);
    }

    /// <summary>Reads the object <paramref name="reader"/> is on to its end: a body's record is read for its fields and
    /// known compact (or not) in one pass, where skipping it and reading it again took two.</summary>
    public static RecordFields Read(ref CompactnessReader reader)
    {
        var fields = new RecordFields();
        Span<byte> unescaped = stackalloc byte[MaxEscapedNameBytes];
        while (reader.Read() && reader.Json.TokenType == JsonTokenType.PropertyName)
        {
            int field = FieldOf(ref reader.Json, unescaped);
            reader.Read();
            switch (field)
            {
                case Metrics: fields = ReadMetrics(ref reader, fields); break;
                case Tracing: fields = ReadTracing(ref reader, fields); break;
                case Items: fields.Items = ReadStrings(ref reader); break;
                case DroppedBytes: fields.DroppedBytes = Int64(ref reader); break;
                case DroppedRecords: fields.DroppedRecords = Int64(ref reader); break;
                default: fields = ReadScalar(ref reader, field, fields); break;
            }
        }
        return fields;
    }

    // Fields that are not strings, beyond LogFieldNames' and the schema's string fields (0 to 13).
    private const int Metrics = 100;
    private const int Tracing = 101;
    private const int Items = 102;
    private const int DroppedBytes = 103;
    private const int DroppedRecords = 104;

    /// <summary>An escaped name longer than this (six bytes a letter) is none of the schema's.</summary>
    private const int MaxEscapedNameBytes = 128;

    /// <summary>The field a property name is: the schema's names compared as written or escaped, loggers' spellings
    /// (<see cref="LogFieldNames"/>) only as written; -1 for any other. The name is looked up by its length, not
    /// compared with every known name in turn (most of a JSON line's names are none of them).</summary>
    private static int FieldOf(ref Utf8JsonReader reader, scoped Span<byte> unescaped)
    {
        if (!reader.ValueIsEscaped)
        {
            return FieldOf(reader.ValueSpan);
        }
        ReadOnlySpan<byte> name = reader.ValueSpan;
        return name.Length > unescaped.Length ? -1 : SchemaField(unescaped[..JsonStringUnescaper.Unescape(name, unescaped)]);
    }

    /// <summary>The field a property name as written (not escaped) is, or -1.</summary>
    internal static int FieldOf(ReadOnlySpan<byte> name) => SchemaField(name) is var schema && schema >= 0 ? schema : LogFieldNames.Index(name);

    /// <summary>Whether a field is one whose value is a string (see <see cref="Assign"/>).</summary>
    internal static bool IsString(int field) => field is >= 0 and < Metrics;

    private static int SchemaField(ReadOnlySpan<byte> name) => name.Length switch
        {
            4 when name.SequenceEqual("name"u8) => 11,
            5 when name.SequenceEqual("level"u8) => LogFieldNames.Level,
            5 when name.SequenceEqual("phase"u8) => 10,
            5 when name.SequenceEqual("state"u8) => 12,
            5 when name.SequenceEqual("types"u8) => Items,
            6 when name.SequenceEqual("status"u8) => 2,
            6 when name.SequenceEqual("reason"u8) => 7,
            6 when name.SequenceEqual("events"u8) => Items,
            7 when name.SequenceEqual("version"u8) => 1,
            7 when name.SequenceEqual("traceId"u8) => LogFieldNames.TraceId,
            7 when name.SequenceEqual("metrics"u8) => Metrics,
            7 when name.SequenceEqual("tracing"u8) => Tracing,
            8 when name.SequenceEqual("tenantId"u8) => LogFieldNames.TenantId,
            9 when name.SequenceEqual("requestId"u8) => LogFieldNames.RequestId,
            9 when name.SequenceEqual("errorType"u8) => 3,
            12 when name.SequenceEqual("droppedBytes"u8) => DroppedBytes,
            14 when name.SequenceEqual("runtimeVersion"u8) => 4,
            14 when name.SequenceEqual("droppedRecords"u8) => DroppedRecords,
            17 when name.SequenceEqual("runtimeVersionArn"u8) => 5,
            18 when name.SequenceEqual("initializationType"u8) => 6,
            _ => -1,
        };

    private static RecordFields ReadScalar(ref CompactnessReader reader, int property, RecordFields fields)
    {
        if (property == LogFieldNames.Level && reader.Json.TokenType == JsonTokenType.Number)
        {
            fields.Level ??= LogFieldNames.NumericLevel(ref reader.Json);
            return fields;
        }
        if (property < 0 || reader.Json.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return fields;
        }
        Assign(fields, property, RecentStrings.Read(reader.Json.ValueSpan, reader.Json.ValueIsEscaped));
        return fields;
    }

    /// <summary>Sets the string field <paramref name="property"/> (see <see cref="IsString"/>) of a record being read.</summary>
    internal static void Assign(RecordFields fields, int property, string value)
    {
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
    }

    private static RecordFields ReadMetrics(ref CompactnessReader reader, RecordFields fields)
    {
        if (reader.Json.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return fields;
        }
        while (reader.Read() && reader.Json.TokenType == JsonTokenType.PropertyName)
        {
            bool duration = reader.Json.ValueTextEquals("durationMs"u8);
            bool billed = reader.Json.ValueTextEquals("billedDurationMs"u8);
            bool memory = reader.Json.ValueTextEquals("memorySizeMB"u8);
            bool maxMemory = reader.Json.ValueTextEquals("maxMemoryUsedMB"u8);
            bool init = reader.Json.ValueTextEquals("initDurationMs"u8);
            bool restore = reader.Json.ValueTextEquals("restoreDurationMs"u8);
            bool billedRestore = reader.Json.ValueTextEquals("billedRestoreDurationMs"u8);
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

    private static RecordFields ReadTracing(ref CompactnessReader reader, RecordFields fields)
    {
        if (reader.Json.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return fields;
        }
        while (reader.Read() && reader.Json.TokenType == JsonTokenType.PropertyName)
        {
            bool isValue = reader.Json.ValueTextEquals("value"u8);
            bool isSpan = reader.Json.ValueTextEquals("spanId"u8);
            reader.Read();
            if ((isValue || isSpan) && reader.Json.TokenType == JsonTokenType.String)
            {
                string text = TelemetryBodyParser.ReadString(ref reader.Json);
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
    private static string? ReadStrings(ref CompactnessReader reader)
    {
        if (reader.Json.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }
        var items = new System.Text.StringBuilder();
        while (reader.Read() && reader.Json.TokenType != JsonTokenType.EndArray)
        {
            if (reader.Json.TokenType == JsonTokenType.String)
            {
                items.Append(items.Length > 0 ? ", " : "").Append(TelemetryBodyParser.ReadString(ref reader.Json));
            }
            else
            {
                reader.Skip();
            }
        }
        return items.ToString();
    }

    private static double? Double(ref CompactnessReader reader)
    {
        if (reader.Json.TokenType == JsonTokenType.Number && reader.Json.TryGetDouble(out double value))
        {
            return value;
        }
        reader.Skip();
        return null;
    }

    private static long? Int64(ref CompactnessReader reader)
    {
        if (reader.Json.TokenType == JsonTokenType.Number && reader.Json.TryGetInt64(out long value))
        {
            return value;
        }
        reader.Skip();
        return null;
    }
}
