using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LokiLambdaExtension.Tools.Receiver;

namespace LokiLambdaExtension.Properties;

public sealed class LabelSetProperties
{
    [Property(MaxTest = 500)]
    public Property Render_AnyValue_ParsesBackToTheSameValue() => Prop.ForAll(Generators.Unicode, value =>
    {
        string rendered = LabelSet.Render([new("service_name", "fn"), new("env", value)]);

        Assert.True(PromLabelParser.TryParse(rendered, out var labels, out string error), $"{rendered}: {error}");
        Assert.DoesNotContain('\n', rendered);
        var expected = new List<KeyValuePair<string, string>>();
        if (value.Length > 0)
        {
            expected.Add(new("env", Utf8.RoundTrip(value)));
        }
        expected.Add(new("service_name", "fn"));
        Assert.Equal(expected, labels);
    });

    [Fact]
    public void Render_Names_AreSortedAndEmptyValuesLeftOut()
    {
        Assert.Equal("""{a="1", b="2"}""", LabelSet.Render([new("b", "2"), new("c", ""), new("a", "1")]));
    }

    [Theory]
    [InlineData("service_name", true)]
    [InlineData("_x9", true)]
    [InlineData("9x", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    [InlineData("é", false)]
    public void IsValidName_FollowsPrometheusSyntax(string name, bool valid) => Assert.Equal(valid, LabelSet.IsValidName(name));
}
