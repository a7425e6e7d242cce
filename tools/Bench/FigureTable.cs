using System.Globalization;
using System.Text.Json;

/// <summary>The measures of every round, gathered by figure: each printed as its median over the rounds with the
/// spread (lowest to highest round) beside it, and the verdict taken on the median.</summary>
internal sealed class FigureTable
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (Measure First, List<double> Values)> _figures = [];

    public void Add(IEnumerable<Measure> measures)
    {
        foreach (Measure measure in measures)
        {
            if (!_figures.TryGetValue(measure.Name, out var figure))
            {
                _order.Add(measure.Name);
                _figures[measure.Name] = figure = (measure, []);
            }
            figure.Values.Add(measure.Value);
        }
    }

    public void Print(Machine machine, int rounds, string? resultsFile)
    {
        var medians = _order.ToDictionary(name => name, name => Median(_figures[name].Values));
        var rows = _order.Select(name =>
        {
            var (first, values) = _figures[name];
            double median = medians[name];
            string spread = values.Count > 1 ? $"{first.Show(values.Min())} – {first.Show(values.Max())}" : "";
            string verdict = first.Target is null ? "" : first.Target.Met(median, medians) ? "met" : "**missed**";
            return (Name: name, Median: first.Show(median), Spread: spread, Target: first.Target?.Text ?? "", Verdict: verdict);
        }).ToList();

        Console.WriteLine();
        Console.WriteLine($"machine: {machine}; {rounds} rounds, interleaved; the verdict is taken on the median");
        Console.WriteLine("| figure | median | spread over the rounds | target | verdict |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Name} | {row.Median} | {row.Spread} | {row.Target} | {row.Verdict} |");
        }
        if (resultsFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(resultsFile)!);
            File.WriteAllText(resultsFile, JsonSerializer.Serialize(new
            {
                machine = machine.ToString(),
                date = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
                rounds,
                figures = rows.Select(r => new { r.Name, r.Median, r.Spread, r.Target, r.Verdict }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"\nwritten to {resultsFile}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
