namespace LokiLambdaExtension.Properties;

/// <summary>A line that heads an exception's trace is <c>level=error</c> even standing alone (not joined: on Managed
/// Instances requests interleave, or a trace was cut between deliveries), bare names included; a line that only
/// mentions an error is not.</summary>
public sealed class ExceptionHeadTests
{
    [Theory]
    [InlineData("Error: raw plain 5", true)]
    [InlineData("Exception: boom", true)]
    [InlineData("Throwable", true)]
    [InlineData("TypeError: Cannot read properties of undefined", true)]
    [InlineData("java.lang.IllegalStateException: order 4711", true)]
    [InlineData("Unhandled exception. System.InvalidOperationException: boom", true)]
    [InlineData("Traceback (most recent call last):", true)]
    [InlineData("ValueError: boom in event 3", true)]
    [InlineData("panic: runtime error: index out of range", true)]
    [InlineData("Exception in thread \"main\" java.lang.RuntimeException", true)]
    [InlineData("No Error found in the order", false)]
    [InlineData("ErrorCount: 5", false)]
    [InlineData("the payment service returned an error", false)]
    [InlineData("UserWarning: deprecated", false)]
    public void HeadsError_TheShapesOfEachRuntime(string line, bool heads) =>
        Assert.Equal(heads, TraceShapes.HeadsError(System.Text.Encoding.UTF8.GetBytes(line)));
}
