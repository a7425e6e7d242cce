using System.Text.Json;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Turns a JSON value that a reader has already validated into its compact text, keeping the original
/// escaping (so non-ASCII stays readable) and dropping only the whitespace between tokens.</summary>
internal static class JsonCompactor
{
    /// <summary>Writes the compact form into <paramref name="lines"/> as a line: a copy when
    /// <paramref name="writtenCompact"/> (see <see cref="SkipValue"/>), else compacted byte by byte.</summary>
    public static Utf8Line Compact(ReadOnlySpan<byte> json, bool writtenCompact, LineArena lines)
    {
        if (writtenCompact)
        {
            return lines.Add(json);
        }
        Span<byte> room = lines.Reserve(json.Length);
        return lines.Commit(Compact(json, room));
    }

    /// <summary>Skips the value <paramref name="reader"/> is on, as <see cref="Utf8JsonReader.Skip"/> does, and says
    /// whether it was written with nothing between its tokens but the commas and colons that separate them (see
    /// <see cref="CompactnessReader"/>). The Telemetry API writes a JSON log record that way (as in the samples of a
    /// JSON-logging function), so the record is copied as it is instead of compacted byte by byte, which was the largest
    /// piece of a busy Managed Instance's own CPU (7%); a record spread out is still compacted.</summary>
    public static bool SkipValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        var tracked = new CompactnessReader(reader, body);
        tracked.Skip();
        reader = tracked.Json;
        return tracked.Compact;
    }

    /// <summary>Writes the compact form into <paramref name="destination"/> (never longer than the input) and returns its length.</summary>
    internal static int Compact(ReadOnlySpan<byte> json, Span<byte> destination)
    {
        int length = 0;
        bool inString = false;
        bool escaped = false;
        foreach (byte b in json)
        {
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == '\\')
                {
                    escaped = true;
                }
                else if (b == '"')
                {
                    inString = false;
                }
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                continue;
            }
            else if (b == '"')
            {
                inString = true;
            }
            destination[length++] = b;
        }
        return length;
    }
}
