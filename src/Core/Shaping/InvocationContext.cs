
namespace LokiLambdaExtension.Core.Shaping;

/// <summary>The invocation that lines are being logged in: between its <c>platform.start</c> and its
/// <c>platform.runtimeDone</c>. Lines that carry no request id of their own get this one. The metadata of each level
/// is built once per invocation, when its first line of that level comes, so lines share it instead of allocating
/// their own; an invocation whose lines are of one level, or that logs nothing (a Managed Instance starts hundreds a
/// second), builds one or none rather than one for every level. Built lazily, but always the same pairs for a level:
/// the context stays a value to whoever holds it.</summary>
internal sealed class InvocationContext
{
    private readonly EntryShaping _shaping;
    /// <summary>Empty until built (a context's lines carry its request id, so built pairs are empty only for an empty id,
    /// which then builds them again, harmlessly); each is one reference, written whole.</summary>
    private readonly MetadataPairs[] _byLevel = new MetadataPairs[LogLevels.Count];

    public InvocationContext(string requestId, string? traceId, EntryShaping shaping)
    {
        RequestId = requestId;
        TraceId = traceId;
        _shaping = shaping;
    }

    public string RequestId { get; }

    public string? TraceId { get; }

    /// <summary>The request id as UTF-8 (ASCII, as every request id is), made on first use: text lines name their request
    /// as bytes, and comparing bytes with bytes is one vectorised compare where widening them was a hundred
    /// instructions a line.</summary>
    public ReadOnlySpan<byte> RequestIdUtf8 => _requestIdUtf8 ??= System.Text.Encoding.UTF8.GetBytes(RequestId);

    private byte[]? _requestIdUtf8;

    public MetadataPairs For(LogLevel level)
    {
        ref MetadataPairs pairs = ref _byLevel[(int)level];
        if (pairs.Count == 0)
        {
            pairs = _shaping.ForLine(RequestId, TraceId, level);
        }
        return pairs;
    }

    /// <summary>The <c>Root=</c> part of an X-Ray trace header (<c>Root=1-…;Parent=…;Sampled=1</c>), the trace id
    /// users look up; a value without <c>Root=</c> is taken as the id itself.</summary>
    public static string? TraceIdFromHeader(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }
        int root = header.IndexOf("Root=", StringComparison.Ordinal);
        if (root < 0)
        {
            return header.Contains('=') ? null : header;
        }
        int start = root + 5;
        int end = header.IndexOf(';', start);
        string id = end < 0 ? header[start..] : header[start..end];
        return id.Length > 0 ? id : null;
    }
}
