namespace LokiLambdaExtension.Core.Entries;

/// <summary>Copies entries' lines together into one array of their own. Lines point into arena chunks they share
/// with their neighbours; when a drop filter throws most of a body's lines away, the few it keeps would otherwise
/// hold every chunk, so that during an outage a buffer of 16 MiB of lines could pin hundreds of times that.</summary>
internal static class PackedLines
{
    public static void Pack(Span<LogEntry> entries)
    {
        int total = 0;
        foreach (ref readonly LogEntry entry in entries)
        {
            total = checked(total + entry.Line.Length);
        }
        byte[] bytes = new byte[total];
        int at = 0;
        foreach (ref LogEntry entry in entries)
        {
            ReadOnlySpan<byte> line = entry.Line.Span;
            line.CopyTo(bytes.AsSpan(at));
            entry = entry with { Line = new Utf8Line(bytes, at, line.Length) };
            at += line.Length;
        }
    }
}
