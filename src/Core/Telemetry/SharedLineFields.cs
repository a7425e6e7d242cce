namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>The fields of JSON log lines that have only a line's own (request id, level, trace id, tenant id), one object
/// for all the lines that have the same: an invocation's lines at one level share theirs, so an object made for each
/// line was a third of what a busy Managed Instance's parsing left to the collector. Lines' values come from
/// <see cref="RecentStrings"/>, so the same values are mostly the same strings: compared as references (different strings
/// of equal text only miss, costing an object as before). <see cref="RecordFields"/> are read-only once read, so sharing
/// them changes nothing anyone sees.</summary>
internal static class SharedLineFields
{
    /// <summary>As many as a Managed Instance's concurrent requests, with a level or two each.</summary>
    private const int Kept = 32;

    /// <summary>One table per thread (intake reads one body at a time on its thread), so no lock.</summary>
    [ThreadStatic]
    private static RecordFields?[]? _recent;

    [ThreadStatic]
    private static int _next;

    public static RecordFields For(string? requestId, string? level, string? traceId, string? tenantId)
    {
        var recent = _recent ??= new RecordFields?[Kept];
        foreach (RecordFields? fields in recent)
        {
            if (fields is not null && ReferenceEquals(fields.RequestId, requestId) && ReferenceEquals(fields.Level, level)
                && ReferenceEquals(fields.TraceId, traceId) && ReferenceEquals(fields.TenantId, tenantId))
            {
                return fields;
            }
        }
        var made = new RecordFields { RequestId = requestId, Level = level, TraceId = traceId, TenantId = tenantId };
        recent[_next] = made;
        _next = (_next + 1) % Kept;
        return made;
    }
}
