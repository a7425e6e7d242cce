using System.Globalization;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The extension's SHUTDOWN summary line (<c>shutdown: received=… sent=… pushes=…</c>), read back.</summary>
public static class ExtensionSummary
{
    /// <summary>The number named <paramref name="name"/> in the last summary line of <paramref name="output"/>.</summary>
    public static long Number(IEnumerable<string> output, string name)
    {
        string line = output.LastOrDefault(l => l.Contains("shutdown: received=", StringComparison.Ordinal))
                      ?? throw new InvalidOperationException($"no summary line in the output:\n{string.Join("\n", output)}");
        int at = line.IndexOf($" {name}=", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"no '{name}' in the summary: {line}");
        }
        string rest = line[(at + name.Length + 2)..];
        return long.Parse(new string([.. rest.TakeWhile(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
    }
}
