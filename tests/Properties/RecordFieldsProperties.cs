using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Core.Telemetry;

namespace LokiLambdaExtension.Properties;

/// <summary>A record's fields are found by name whatever else the record holds and however its names are escaped.</summary>
public sealed class RecordFieldsProperties
{
    private static readonly string[] SchemaNames =
    [
        "requestId", "version", "status", "errorType", "runtimeVersion", "runtimeVersionArn", "initializationType", "reason",
        "level", "traceId", "phase", "name", "state", "tenantId", "types", "events", "droppedBytes", "droppedRecords",
    ];

    /// <summary>Fields of the schema (strings, numbers for the dropped counts, arrays for the lists) among others a
    /// logger might add, in any order.</summary>
    private static Arbitrary<(string Name, string Value)[]> Records =>
        Gen.ListOf(Gen.OneOf(
                Gen.Elements(SchemaNames).SelectMany(name => Generators.UnicodeString.Select(v => (name, Value(name, v)))),
                Gen.Elements("message", "timestamp", "orderId", "level_name", "xray_trace_id", "Message", "x")
                    .SelectMany(name => Generators.UnicodeString.Select(v => (name, Generators.JsonQuoted(v))))))
            .Select(f => f.ToArray()).ToArbitrary();

    private static string Value(string name, string text) => name switch
    {
        "droppedBytes" or "droppedRecords" => (text.Length * 7).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "types" or "events" => "[" + Generators.JsonQuoted(text) + ",\"INVOKE\"]",
        _ => Generators.JsonQuoted(text),
    };

    private static string Escaped(string name) => "\"" + string.Concat(name.Select(c => $"\\u{(int)c:X4}")) + "\"";

    private static RecordFields Read(IEnumerable<(string Name, string Value)> fields, Func<string, string> writeName) =>
        RecordFieldsReader.Read(Encoding.UTF8.GetBytes("{" + string.Join(",", fields.Select(f => writeName(f.Name) + ":" + f.Value)) + "}"));

    [Property(MaxTest = 300)]
    public Property Read_NamesEscapedLetterByLetter_FindsTheSchemasFieldsTheSame() => Prop.ForAll(Records, fields =>
    {
        // Loggers' spellings are read only from plain names; the schema's own from either.
        var schemaOnly = fields.Where(f => SchemaNames.Contains(f.Name)).ToArray();

        Assert.Equal(Read(schemaOnly, Generators.JsonQuoted), Read(schemaOnly, Escaped));
    });

    [Property(MaxTest = 300)]
    public Property Read_OtherFieldsAround_FindTheSameFields() => Prop.ForAll(Records, fields =>
    {
        var schemaOnly = fields.Where(f => SchemaNames.Contains(f.Name) && f.Name is not ("level" or "traceId" or "requestId" or "tenantId")).ToArray();
        var others = fields.Where(f => f.Name is "message" or "timestamp" or "orderId" or "Message" or "x").ToArray();

        Assert.Equal(Read(schemaOnly, Generators.JsonQuoted), Read(others.Concat(schemaOnly).Concat(others), Generators.JsonQuoted));
    });
}
