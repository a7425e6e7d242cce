using System.Text;
using LanguageExt;

namespace LokiLambdaExtension.Properties;

/// <summary>What the loggers Lambda users run print, understood: each one's request id, trace id and level fields
/// become <c>request_id</c>, <c>trace_id</c> and <c>level</c>, whatever their spelling; a request's trace, known from
/// its platform.start, goes on every line of it on every model; the line's own trace wins; the line is shipped as printed.</summary>
public sealed class LoggerFieldsTests
{
    private const string RequestA = "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", RequestB = "11111111-2222-4333-8444-555555555555";
    private const string TraceA = "1-62e900b2-710d76f009d6e7785905449a", TraceB = "1-5759e988-bd862e3fe1be46a994272793";

    [Theory]
    // Powertools for AWS Lambda, Node.js 2.x and Python 3.x.
    [InlineData("""{"level":"INFO","message":"order loaded","timestamp":"2026-11-25T10:00:00.000Z","service":"orders","cold_start":true,"function_name":"orders-api","function_request_id":"REQ","xray_trace_id":"TRACE"}""", "info")]
    // Powertools for AWS Lambda, Java 2.x.
    [InlineData("""{"timestamp":"2026-11-25T10:00:00.000Z","level":"ERROR","service":"orders","message":"failed","function_request_id":"REQ","xray_trace_id":"TRACE","error":{"name":"java.lang.IllegalStateException"}}""", "error")]
    // Powertools for AWS Lambda, .NET 2.x (Microsoft.Extensions.Logging's level names).
    [InlineData("""{"ColdStart":true,"XRayTraceId":"TRACE","FunctionName":"orders-api","FunctionRequestId":"REQ","Level":"Warning","Service":"orders","Message":"slow"}""", "warn")]
    // pino (numeric levels) with the runtime's fields.
    [InlineData("""{"level":50,"time":1764064800000,"requestId":"REQ","traceId":"TRACE","msg":"boom"}""", "error")]
    // Python's logging with a JSON formatter.
    [InlineData("""{"levelname":"CRITICAL","aws_request_id":"REQ","xray_trace_id":"TRACE","message":"down"}""", "fatal")]
    // Lambda's runtime clients' JSON format.
    [InlineData("""{"timestamp":"2026-11-25T10:00:00.000Z","level":"DEBUG","requestId":"REQ","traceId":"TRACE","message":"hi"}""", "debug")]
    public void EachLoggersFields_BecomeTheEntrysMetadata_AndTheLineIsShippedAsPrinted(string printed, string level)
    {
        string line = printed.Replace("REQ", RequestB).Replace("TRACE", TraceB);
        LogEntry entry = OnManagedInstances(Start(RequestB, TraceB), Function(line)).Single(e => e.Stream == StreamKind.Function);

        Assert.Equal(line, entry.Line.ToString());
        Assert.Equal(RequestB, Metadata(entry, "request_id"));
        Assert.Equal(TraceB, Metadata(entry, "trace_id"));
        Assert.Equal(level, Metadata(entry, "level"));
    }

    /// <summary>Managed Instances: requests run at once and their lines interleave; each line finds its request's trace
    /// by the request id it names, from that request's platform.start.</summary>
    [Fact]
    public void OnManagedInstances_EveryLineOfARequest_CarriesThatRequestsTrace()
    {
        string Powertools(string id, string message) => $$"""{"level":"INFO","message":"{{message}}","function_request_id":"{{id}}"}""";
        string Runtime(string id, string message) => $$"""{"timestamp":"2026-11-25T10:00:00.000Z","level":"INFO","requestId":"{{id}}","message":"{{message}}"}""";
        var entries = OnManagedInstances(Start(RequestA, TraceA), Start(RequestB, TraceB), Function(Powertools(RequestA, "a1")), Function(Runtime(RequestB, "b1")),
            Function(Runtime(RequestA, "a2")), Function(Powertools(RequestB, "b2")), Function($"2026-11-25T10:00:00.000Z\t{RequestA}\tINFO\ta3"));

        var lines = entries.Where(e => e.Stream == StreamKind.Function).ToList();
        Assert.Equal(5, lines.Count);
        Assert.All(lines, e => Assert.Equal(Metadata(e, "request_id") == RequestA ? TraceA : TraceB, Metadata(e, "trace_id")));
        Assert.Equal(3, lines.Count(e => Metadata(e, "request_id") == RequestA));
    }

    [Fact]
    public void ALinesOwnTrace_WinsOverThePlatforms()
    {
        string line = $$"""{"level":"INFO","function_request_id":"{{RequestA}}","xray_trace_id":"{{TraceB}}","message":"traced elsewhere"}""";
        LogEntry entry = OnManagedInstances(Start(RequestA, TraceA), Function(line)).Single(e => e.Stream == StreamKind.Function);

        Assert.Equal(TraceB, Metadata(entry, "trace_id"));
    }

    private static string? Metadata(LogEntry entry, string name)
    {
        foreach (MetadataPair pair in entry.Metadata.Span)
        {
            if (pair.Name == name)
            {
                return pair.Value;
            }
        }
        return null;
    }

    private static string Start(string requestId, string traceId) =>
        """{"time":"2026-11-25T10:00:00.000Z","type":"platform.start","record":{"requestId":""" + $"\"{requestId}\"" +
        ""","version":"$LATEST","tracing":{"type":"X-Amzn-Trace-Id","value":"Root=""" + traceId + """;Parent=0efbd19962d95b05;Sampled=1"}}}""";

    private static string Function(string line) =>
        $$"""{"time":"2026-11-25T10:00:00.100Z","type":"function","record":{{System.Text.Json.JsonSerializer.Serialize(line)}}}""";

    /// <summary>The entries one body of these records becomes in a Managed Instances environment, through the lifecycle.</summary>
    private static List<LogEntry> OnManagedInstances(params string[] records)
    {
        var settings = LifecycleSettings.For(DeliveryPolicy.Default, model: ExecutionModel.ManagedInstances);
        ExtensionState state = ExtensionState.Initial(settings.Policy);
        (state, _) = Lifecycle.Step(settings, state, new Initialized(1_764_064_800_000));
        byte[] body = Encoding.UTF8.GetBytes("[" + string.Join(",", records) + "]");
        var parsed = TelemetryBodyParser.Parse(body, 0, new LineArena());
        (state, var decisions) = Lifecycle.Step(settings, state, new TelemetryReceived(1_764_064_800_100, parsed.Records));
        // A never-frozen environment may push them at once: what was pushed, then what is held.
        var entries = decisions.OfType<PushStarted>().SelectMany(p => p.Batch.Entries).ToList();
        return state.Buffer.IsEmpty ? entries : [.. entries, .. state.Buffer.Oldest(1, long.MaxValue).Entries];
    }
}
