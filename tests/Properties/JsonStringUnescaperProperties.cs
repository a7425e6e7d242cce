using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

public sealed class JsonStringUnescaperProperties
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Property(MaxTest = 500)]
    public Property Unescape_AnyStringAsSystemTextJsonEscapesIt_GivesBackItsUtf8() => Prop.ForAll(Generators.Unicode, text =>
    {
        foreach (string json in new[] { JsonSerializer.Serialize(text), JsonSerializer.Serialize(text, Relaxed) })
        {
            byte[] raw = Encoding.UTF8.GetBytes(json[1..^1]);
            byte[] destination = new byte[raw.Length];

            int length = JsonStringUnescaper.Unescape(raw, destination);

            Assert.Equal(Utf8.RoundTrip(text), Encoding.UTF8.GetString(destination, 0, length));
        }
    });
}
