using System.Globalization;

namespace LokiLambdaExtension.Core.Archive;

/// <summary>Object keys: <c>prefix/service_name/YYYY/MM/DD/HH/first entry time-sandbox discriminator-n</c>. They sort
/// by time (fixed-width fields, UTC), say where they came from, and never collide: the discriminator tells sandboxes
/// apart (it is the one in every entry's timestamp, see <see cref="EntryStamps"/>), <c>n</c> counts this process's
/// objects.</summary>
public static class ArchiveKeys
{
    public static string For(ArchiveLocation location, string serviceName, long firstEntryNanos, long discriminator, long n)
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(Math.Max(0, firstEntryNanos) / 100);
        long nanos = Math.Max(0, firstEntryNanos) % 1_000_000_000;
        string name = string.Create(CultureInfo.InvariantCulture,
            $"{time:yyyy'/'MM'/'dd'/'HH}/{time:yyyyMMdd'T'HHmmss}.{nanos:D9}Z-{discriminator:D6}-{n:D6}");
        string service = Segment(serviceName);
        return $"{location.KeyPrefix}{service}/{name}";
    }

    /// <summary>A service name as one key segment: a slash would add a level to the layout, a <c>.</c> or <c>..</c> segment
    /// would be rewritten by URL normalisation, and a control character is not kept by every client.</summary>
    private static string Segment(string serviceName)
    {
        string segment = string.Concat(serviceName.Select(c => c == '/' || char.IsControl(c) ? '_' : c));
        return segment switch
        {
            "" => "unknown_service",
            "." or ".." => segment.Replace('.', '_'),
            _ => segment,
        };
    }
}
