
namespace LokiLambdaExtension.Core.Shaping;

/// <summary>How records become entries, from configuration: the line size limit, the drop and mask patterns, and the
/// metadata every entry carries (<c>function_version</c>, <c>log_stream</c>).</summary>
internal sealed class EntryShaping
{
    private readonly MetadataPair[] _common;
    private readonly MetadataPairs[] _outsideInvocation;

    public EntryShaping(int maxLineBytes, string functionVersion, string logStream, LineFilter? filter = null, bool joinsStackTraces = true,
        string initializationType = "")
    {
        InitializationType = initializationType;
        MaxLineBytes = maxLineBytes;
        Filter = filter ?? LineFilter.None;
        JoinsStackTraces = joinsStackTraces;
        _common = [.. new[] { new MetadataPair("function_version", functionVersion), new MetadataPair("log_stream", logStream) }
            .Where(p => p.Value.Length > 0)];
        _outsideInvocation = MetadataByLevel(null, null);
    }

    public static EntryShaping Default { get; } = new(LineLimit.DefaultMaxBytes, "", "");

    public int MaxLineBytes { get; }

    /// <summary>The execution model's name (<c>on-demand</c>, <c>snap-start</c>, ...): the <c>initialization_type</c>
    /// of platform entries whose record does not say it itself.</summary>
    public string InitializationType { get; }

    public LineFilter Filter { get; }

    /// <summary><c>LOKI_MULTILINE=auto</c>: stack traces printed line by line become one entry (see <see cref="StackTraces"/>).</summary>
    public bool JoinsStackTraces { get; }

    /// <summary>A body's records as entries will be made of them: stack traces joined when asked. Runs where the body is
    /// parsed, before the filters, off the decision loop.</summary>
    public System.Collections.Immutable.ImmutableArray<TelemetryRecord> Joined(System.Collections.Immutable.ImmutableArray<TelemetryRecord> records) =>
        JoinsStackTraces ? StackTraces.Join(records, MaxLineBytes) : records;

    /// <summary>Metadata of a line logged outside any invocation (the init phase).</summary>
    public MetadataPairs OutsideInvocation(LogLevel level) => _outsideInvocation[(int)level];

    /// <summary>The metadata of a line, in the order a reader scans it: request, trace, level, then the common pairs.</summary>
    public MetadataPairs ForLine(string? requestId, string? traceId, LogLevel level, string? tenantId = null)
    {
        var pairs = new List<MetadataPair>(6);
        if (!string.IsNullOrEmpty(requestId))
        {
            pairs.Add(new("request_id", requestId));
        }
        if (!string.IsNullOrEmpty(traceId))
        {
            pairs.Add(new("trace_id", traceId));
        }
        if (level != LogLevel.None)
        {
            pairs.Add(new("level", level.Name()));
        }
        if (!string.IsNullOrEmpty(tenantId))
        {
            pairs.Add(new("tenant_id", tenantId));
        }
        pairs.AddRange(_common);
        return new MetadataPairs([.. pairs]);
    }

    /// <summary>Metadata for a platform record: its type and request, its own pairs (status, metrics), the common pairs.</summary>
    public MetadataPairs ForPlatform(string type, string? requestId, string? traceId, IEnumerable<MetadataPair> own)
    {
        var pairs = new List<MetadataPair> { new("type", type) };
        if (!string.IsNullOrEmpty(requestId))
        {
            pairs.Add(new("request_id", requestId));
        }
        if (!string.IsNullOrEmpty(traceId))
        {
            pairs.Add(new("trace_id", traceId));
        }
        pairs.AddRange(own);
        pairs.AddRange(_common);
        return new MetadataPairs([.. pairs]);
    }

    /// <summary>The metadata of a line that names its request, outside any known invocation. Requests named lately
    /// are kept as contexts of their own (<paramref name="recent"/>, part of the state): their lines share their
    /// metadata instead of each making a string and an array.</summary>
    public MetadataPairs ForRequest(ReadOnlySpan<byte> requestId, LogLevel level, ref RecentRequests recent) =>
        (recent.Find(requestId) ?? Remembered(System.Text.Encoding.ASCII.GetString(requestId), ref recent)).For(level);

    /// <summary>As <see cref="ForRequest(ReadOnlySpan{byte}, LogLevel, ref RecentRequests)"/>, for a record field's id.</summary>
    public MetadataPairs ForRequest(string requestId, LogLevel level, ref RecentRequests recent) =>
        (recent.Find(requestId) ?? Remembered(requestId, ref recent)).For(level);

    private InvocationContext Remembered(string requestId, ref RecentRequests recent)
    {
        var context = new InvocationContext(requestId, traceId: null, this);
        recent = recent.With(context);
        return context;
    }

    private MetadataPairs[] MetadataByLevel(string? requestId, string? traceId)
    {
        var byLevel = new MetadataPairs[LogLevels.Count];
        for (int level = 0; level < LogLevels.Count; level++)
        {
            byLevel[level] = ForLine(requestId, traceId, (LogLevel)level);
        }
        return byLevel;
    }
}
