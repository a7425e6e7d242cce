using System.Globalization;
using System.Text.Json;

namespace LokiLambdaExtension.Tools.Receiver;

/// <summary>A real Loki (the tests' and the bench's judge of what Loki keeps), read back through its query API
/// (<c>query_range</c>, in windows of fewer than a page), with each entry's structured metadata (<c>categorize-labels</c>); as
/// <paramref name="tenant"/> (<c>X-Scope-OrgID</c>) when given, for a multi-tenant Loki.</summary>
public sealed class RealLoki(Uri baseUrl, string? tenant = null)
{
    /// <summary>The variable naming a Loki with its default limits (.ci/run starts one from ../shared/loki).</summary>
    public const string Variable = "LOKI_TEST_URL";

    /// <summary>The variable naming a Loki started with <see cref="TightFlags"/>.</summary>
    public const string TightVariable = "LOKI_TEST_TIGHT_URL";

    /// <summary>The tight limits the rate-limit tests and the fleet bench run under (beside Loki's defaults).</summary>
    public const string TightFlags = "-distributor.ingestion-rate-limit-mb=1 -distributor.ingestion-burst-size-mb=1 " +
                                     "-ingester.per-stream-rate-limit=256KB -ingester.per-stream-rate-limit-burst=512KB";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseUrl { get; } = baseUrl;

    public static RealLoki FromEnvironment(string variable = Variable) =>
        new(new Uri(Environment.GetEnvironmentVariable(variable) ?? throw new InvalidOperationException($"{variable} is not set")));

    /// <summary>Every entry the query selects within the last <paramref name="lookBack"/> (default 3 h), oldest first.
    /// Loki answers at most <see cref="Page"/> entries a query; a window that fills a page is split in two halves
    /// (<c>start</c> is inclusive, <c>end</c> exclusive, so the halves neither overlap nor leave a gap) until each
    /// answers fewer, and only such answers are taken: complete for their window, whatever order Loki picked the
    /// entries of a full page in (checked against Loki 3.4.6 here: an entry at <c>end</c> is not answered, one at
    /// <c>start</c> is). Paging on from a full page's newest time was complete only if every full page held the
    /// window's oldest entries; CI once counted 225 of 18,000 short right after each sandbox had seen all of its own
    /// (fewer than a page each), the likely cause.</summary>
    public async Task<IReadOnlyList<StoredEntry>> QueryAsync(string logql, TimeSpan? lookBack = null)
    {
        long end = DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeMilliseconds() * 1_000_000;
        long start = DateTimeOffset.UtcNow.Subtract(lookBack ?? TimeSpan.FromHours(3)).ToUnixTimeMilliseconds() * 1_000_000;
        var entries = new List<StoredEntry>();
        var windows = new Stack<(long Start, long End)>([(start, end)]);
        while (windows.TryPop(out var window))
        {
            List<StoredEntry> answer = await WindowAsync(logql, window.Start, window.End);
            if (answer.Count < Page)
            {
                entries.AddRange(answer);
                continue;
            }
            if (window.End - window.Start <= 1)
            {
                throw new InvalidOperationException($"more than {Page} entries in one nanosecond for {logql}");
            }
            long middle = window.Start + (window.End - window.Start) / 2;
            windows.Push((window.Start, middle));
            windows.Push((middle, window.End));
        }
        entries.Sort((a, b) => a.UnixNanos.CompareTo(b.UnixNanos));
        return entries;
    }

    /// <summary>The most entries Loki answers a query with (its <c>max_entries_limit_per_query</c> default).</summary>
    private const int Page = 5000;

    private async Task<List<StoredEntry>> WindowAsync(string logql, long start, long end)
    {
        JsonElement data = await GetAsync("query_range", logql, $"&start={start}&end={end}&limit={Page}&direction=forward");
        var answer = new List<StoredEntry>();
        foreach (JsonElement stream in data.GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            foreach (JsonElement value in stream.GetProperty("values").EnumerateArray())
            {
                var metadata = new Dictionary<string, string>();
                if (value.GetArrayLength() > 2 && value[2].TryGetProperty("structuredMetadata", out JsonElement sm))
                {
                    foreach (JsonProperty pair in sm.EnumerateObject())
                    {
                        metadata[pair.Name] = pair.Value.GetString() ?? "";
                    }
                }
                answer.Add(new StoredEntry(long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!, labels, metadata));
            }
        }
        return answer;
    }

    /// <summary>A metric query's samples (for <c>unwrap</c> and counts): series labels and their values.</summary>
    public async Task<IReadOnlyList<double>> MetricAsync(string logql)
    {
        long end = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds() * 1_000_000;
        long start = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds() * 1_000_000;
        JsonElement data = await GetAsync("query_range", logql, $"&start={start}&end={end}&step=60");
        return [.. data.GetProperty("result").EnumerateArray()
            .SelectMany(series => series.GetProperty("values").EnumerateArray())
            .Select(v => double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture))];
    }

    private async Task<JsonElement> GetAsync(string api, string logql, string parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(BaseUrl, $"loki/api/v1/{api}?query={Uri.EscapeDataString(logql)}{parameters}"));
        request.Headers.Add("X-Loki-Response-Encoding-Flags", "categorize-labels");
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }
        using HttpResponseMessage response = await Http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Loki refused the query {logql}: HTTP {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }
}

/// <summary>An entry as Loki returns it.</summary>
public sealed record StoredEntry(long UnixNanos, string Line, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Metadata);
