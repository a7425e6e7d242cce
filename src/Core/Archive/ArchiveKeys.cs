using System.Globalization;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>Object keys: <c>prefix/service_name/YYYY/MM/DD/HH/first entry time-sandbox discriminator-n</c>. They sort
/// by time (fixed-width fields, UTC), say where they came from, and never collide: the discriminator tells sandboxes
/// apart (it is the one in every entry's timestamp, see <see cref="EntryStamps"/>), <c>n</c> counts this process's
/// objects. With <c>LOKI_TENANT_MODE=lambda</c> the Loki tenant comes first, <c>prefix/tenant=ID/service_name/…</c>:
/// replay reads it back (<see cref="TenantOf"/>), and IAM can grant a tenant its own prefix.</summary>
internal static class ArchiveKeys
{
    private const string TenantSegment = "tenant=";

    /// <param name="tenant">The object's Loki tenant, when keys name one (a valid id, or empty for none).</param>
    public static string For(ArchiveLocation location, string serviceName, long firstEntryNanos, long discriminator, long n, string? tenant = null)
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(Math.Max(0, firstEntryNanos) / 100);
        long nanos = Math.Max(0, firstEntryNanos) % 1_000_000_000;
        string name = string.Create(CultureInfo.InvariantCulture,
            $"{time:yyyy'/'MM'/'dd'/'HH}/{time:yyyyMMdd'T'HHmmss}.{nanos:D9}Z-{discriminator:D6}-{n:D6}");
        string service = Segment(serviceName);
        string tenantSegment = tenant is { Length: > 0 } ? $"{TenantSegment}{tenant}/" : "";
        return $"{location.KeyPrefix}{tenantSegment}{service}/{name}";
    }

    /// <summary>The Loki tenant an object's <paramref name="key"/> names right under <paramref name="location"/>'s prefix,
    /// when it names a valid one.</summary>
    public static string? TenantOf(ArchiveLocation location, string key)
    {
        if (!key.StartsWith(location.KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        string rest = key[location.KeyPrefix.Length..];
        int slash = rest.IndexOf('/');
        string first = slash < 0 ? "" : rest[..slash];
        string tenant = first.StartsWith(TenantSegment, StringComparison.Ordinal) ? first[TenantSegment.Length..] : "";
        return LokiTenantIds.IsValid(tenant) ? tenant : null;
    }

    /// <summary>A service name as one key segment: a slash would add a level to the layout, a <c>.</c> or <c>..</c> segment
    /// would be rewritten by URL normalisation, and a control character is not kept by every client.</summary>
    private static string Segment(string serviceName)
    {
        // '=' too: a service named 'tenant=x' would read back as a tenant's segment.
        string segment = string.Concat(serviceName.Select(c => c is '/' or '=' || char.IsControl(c) ? '_' : c));
        return segment switch
        {
            "" => "unknown_service",
            "." or ".." => segment.Replace('.', '_'),
            _ => segment,
        };
    }
}
