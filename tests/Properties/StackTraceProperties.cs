using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace LokiLambdaExtension.Properties;

/// <summary>Joining stack traces loses, reorders and adds nothing but the <c>\n</c> joints; never absorbs a line with a
/// runtime prefix; and a trace cut between two deliveries arrives whole across its parts.</summary>
public sealed class StackTraceProperties
{
    private const string RequestId = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa";

    /// <summary>Lines of every kind the joining reads: frames, headers, prefixed log calls, plain and empty lines.</summary>
    private static readonly Gen<string> Lines = Gen.Elements(
        "java.lang.IllegalStateException: boom", "\tat com.example.Handler.run(Handler.java:42)", "Caused by: java.io.IOException: closed",
        "\t... 3 more", "Traceback (most recent call last):", "  File \"/var/task/app.py\", line 5, in handler", "    return 1 / 0",
        "ZeroDivisionError: division by zero", "System.InvalidOperationException: boom", "   at Orders.Handler.Run() in /src/Handler.cs:line 9",
        "--- End of stack trace from previous location ---", "TypeError: x is undefined", "    at handler (/var/task/index.js:4:10)",
        "panic: boom", "", "goroutine 1 [running]:", "main.main()", "\t/var/task/main.go:22 +0x2f", "\tfrom /var/task/app.rb:3:in '<main>'",
        "processing order 4711", "done", $"2026-11-25T10:00:00.001Z\t{RequestId}\tERROR\tfailed", $"[ERROR]\t2026-11-25T10:00:00.001Z\t{RequestId}\tfailed",
        "I, [2026-11-25T10:00:00.001000 #8]  INFO -- : hello");

    /// <summary>A body: function records of those lines, with now and then a platform record between them.</summary>
    private static readonly Arbitrary<(bool Platform, string Line)[]> Bodies =
        Gen.Zip(Gen.Frequency((1, Gen.Constant(true)), (9, Gen.Constant(false))), Lines).ArrayOf().Select(b => b.ToArray()).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Join_KeepsEveryByteInOrder_AddingOnlyJoints() => Prop.ForAll(Bodies, body =>
    {
        var joined = StackTraces.Join(Records(body), LineLimit.DefaultMaxBytes);

        Assert.Equal(Flatten(Records(body)), Flatten(joined));
        Assert.InRange(joined.Length, 0, body.Length);
    });

    [Property(MaxTest = 500)]
    public Property Join_NeverAbsorbsALineWithARuntimePrefix() => Prop.ForAll(Bodies, body =>
    {
        var joined = StackTraces.Join(Records(body), LineLimit.DefaultMaxBytes);

        var absorbed = joined.Where(r => r.Text is not null).SelectMany(r => r.Text!.Value.ToString().Split('\n').Skip(1));
        Assert.DoesNotContain(absorbed, line => line.Contains(RequestId, StringComparison.Ordinal) || line.StartsWith("I, [", StringComparison.Ordinal));
    });

    [Property(MaxTest = 300)]
    public Property Join_ATraceCutBetweenTwoDeliveries_ArrivesWholeAcrossItsParts() =>
        Prop.ForAll(Bodies, Gen.Choose(0, 1000).ToArbitrary(), (body, cut) =>
        {
            int at = body.Length == 0 ? 0 : cut % (body.Length + 1);

            var first = StackTraces.Join(Records(body[..at]), LineLimit.DefaultMaxBytes);
            var second = StackTraces.Join(Records(body[at..]), LineLimit.DefaultMaxBytes);

            Assert.Equal(Flatten(Records(body)), Flatten(first).Concat(Flatten(second)));
        });

    [Fact]
    public void Join_AJointPastTheLineLimit_StartsANewEntryInstead_NothingIsCut()
    {
        (bool, string)[] body = [(false, "java.lang.IllegalStateException: boom"), .. Enumerable.Repeat((false, "\tat com.example.Handler.run(Handler.java:42)"), 60)];

        var joined = StackTraces.Join(Records(body), LineLimit.MinimumMaxBytes);

        Assert.All(joined, r => Assert.InRange(r.Text!.Value.Length, 1, LineLimit.MinimumMaxBytes));
        Assert.Equal(Flatten(Records(body)), Flatten(joined));
        Assert.True(joined.Length > 1);
    }

    /// <summary>Every function line of the records, each joined entry split at its joints; platform records as markers.</summary>
    private static IEnumerable<string> Flatten(ImmutableArray<TelemetryRecord> records) =>
        records.SelectMany(r => r.Kind == TelemetryKind.Function ? r.Text!.Value.ToString().Split('\n') : ["<platform>"]);

    private static ImmutableArray<TelemetryRecord> Records((bool Platform, string Line)[] body) => [.. body.Select(b => b.Platform
        ? new TelemetryRecord(0, "platform.report", TelemetryKind.Report, null, Utf8Line.From("{}"), RecordFields.None)
        : new TelemetryRecord(0, "function", TelemetryKind.Function, Utf8Line.From(b.Line), null, RecordFields.None))];
}
