using System.Text.Json;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The names under which the loggers Lambda users run put a structured line's request id, trace id, level and
/// tenant, whatever their case or spelling. Read from each library's documentation and source:
/// <list type="bullet">
/// <item>Lambda's runtime clients with <c>AWS_LAMBDA_LOG_FORMAT=JSON</c> (Node, Python, Java, .NET): <c>requestId</c>,
/// <c>traceId</c> (Node on Managed Instances), <c>level</c>; Java's log4j2/slf4j layouts also <c>AWSRequestId</c>;</item>
/// <item>Powertools for AWS Lambda, Node.js and Python: <c>function_request_id</c>, <c>xray_trace_id</c>, <c>level</c>;
/// Java: <c>function_request_id</c>, <c>xray_trace_id</c>, <c>level</c>; .NET: the same in snake case by default, or
/// <c>FunctionRequestId</c>, <c>XRayTraceId</c>, <c>Level</c> in Pascal (or camel) case by its output-case setting, with
/// Microsoft.Extensions.Logging's level names (<c>Information</c>, <c>Critical</c>…);</item>
/// <item>pino and bunyan (Node): numeric levels, 10 trace to 60 fatal; Python's logging formatters: <c>levelname</c>.</item>
/// </list>
/// A name is compared with its letters lower-cased and its underscores and dashes dropped, so <c>xray_trace_id</c>,
/// <c>XRayTraceId</c> and <c>xRayTraceId</c> are one name.</summary>
internal static class LogFieldNames
{
    public const int RequestId = 0;
    public const int Level = 8;
    public const int TraceId = 9;
    public const int TenantId = 13;

    /// <summary>Longest name compared (longer ones are nobody's request id).</summary>
    private const int MaxNameBytes = 32;

    /// <summary>The field a property name as written (not escaped) is (<see cref="RequestId"/>, <see cref="TraceId"/>, <see cref="Level"/>,
    /// <see cref="TenantId"/>), or -1.</summary>
    public static int Index(ReadOnlySpan<byte> written)
    {
        if (written.Length > MaxNameBytes || !MayBeOne(WithoutUnderscoresOrDashesAround(written)))
        {
            return -1;
        }
        Span<byte> name = stackalloc byte[MaxNameBytes];
        int length = 0;
        foreach (byte b in written)
        {
            if (b is (byte)'_' or (byte)'-')
            {
                continue;
            }
            name[length++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        ReadOnlySpan<byte> folded = name[..length];
        // By length first: most names a line has are none of these (timestamp, message), and each is compared with
        // the few of its length only.
        return length switch
        {
            5 when folded.SequenceEqual("level"u8) => Level,
            7 when folded.SequenceEqual("traceid"u8) => TraceId,
            8 when folded.SequenceEqual("severity"u8) || folded.SequenceEqual("loglevel"u8) => Level,
            8 when folded.SequenceEqual("tenantid"u8) => TenantId,
            9 when folded.SequenceEqual("requestid"u8) => RequestId,
            9 when folded.SequenceEqual("levelname"u8) => Level,
            10 when folded.SequenceEqual("awstraceid"u8) => TraceId,
            11 when folded.SequenceEqual("xraytraceid"u8) => TraceId,
            12 when folded.SequenceEqual("awsrequestid"u8) => RequestId,
            15 when folded.SequenceEqual("lambdarequestid"u8) => RequestId,
            17 when folded.SequenceEqual("functionrequestid"u8) => RequestId,
            _ => -1,
        };
    }

    /// <summary>The name without the underscores and dashes it starts or ends with: what <c>Trim("_-"u8)</c> gives, by two
    /// loops over a byte or two (the trim's general way cost 176 instructions a name, 3% of a JSON line).</summary>
    private static ReadOnlySpan<byte> WithoutUnderscoresOrDashesAround(ReadOnlySpan<byte> name)
    {
        int start = 0, end = name.Length;
        while (start < end && name[start] is (byte)'_' or (byte)'-')
        {
            start++;
        }
        while (end > start && name[end - 1] is (byte)'_' or (byte)'-')
        {
            end--;
        }
        return name[start..end];
    }

    /// <summary>Whether a name (without the separators folding drops at its ends) starts and ends with letters one of
    /// the names does: most names a line has (timestamp, message) are told apart by two bytes instead of being folded.
    /// (<c>| 0x20</c> lowers an ASCII letter; other bytes it may turn into letters, which only costs the folding.)</summary>
    private static bool MayBeOne(ReadOnlySpan<byte> name) =>
        !name.IsEmpty
        && (name[0] | 0x20) is 'l' or 't' or 's' or 'r' or 'a' or 'x' or 'f'
        && (name[^1] | 0x20) is 'l' or 'd' or 'y' or 'e';

    /// <summary>A numeric level as pino and bunyan write them (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal),
    /// as the word the level parser reads; null for another number.</summary>
    public static string? NumericLevel(ref Utf8JsonReader reader) =>
        reader.TryGetInt32(out int value) ? value switch
        {
            >= 10 and < 20 => "trace",
            >= 20 and < 30 => "debug",
            >= 30 and < 40 => "info",
            >= 40 and < 50 => "warn",
            >= 50 and < 60 => "error",
            >= 60 and < 70 => "fatal",
            _ => null,
        } : null;
}
