using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>Stack traces as one entry (<c>LOKI_MULTILINE=auto</c>): runtimes that write to stdout deliver a multi-line
/// message as one record per line, so consecutive function records of one body (same stream, same invocation: no
/// platform record between them) join the record before them, with <c>\n</c>, when they continue a trace
/// (<see cref="TraceShapes"/>). Safe by construction: nothing is held for a continuation that has not come (a trace cut
/// between two deliveries goes out in parts, each whole); a record with a runtime prefix (time, request id, level)
/// always starts an entry; a record is never split; a joint that would pass the line limit starts a new entry instead,
/// so nothing is cut. Node's stdout fallback writes <c>\r</c> for <c>\n</c> inside a record: it becomes <c>\n</c>.
/// Runs where the body is parsed, off the decision loop; a body with nothing to join comes back as it was.</summary>
internal static class StackTraces
{
    public static ImmutableArray<TelemetryRecord> Join(ImmutableArray<TelemetryRecord> records, int maxLineBytes)
    {
        List<TelemetryRecord>? output = null; // null while nothing changed
        int start = -1, end = -1;
        long length = 0;
        TraceKind kind = TraceKind.None;
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly TelemetryRecord record = ref records.ItemRef(i);
            bool text = record.Kind == TelemetryKind.Function && record.Text is not null;
            if (text && start >= 0 && end == i - 1)
            {
                ReadOnlySpan<byte> line = record.Text!.Value.Span;
                if (length + 1 + line.Length <= maxLineBytes && TraceShapes.Continues(line, kind) && !TextLogPrefix.Starts(line))
                {
                    end = i;
                    length += 1 + line.Length;
                    kind = kind == TraceKind.None ? TraceShapes.KindOf(records.ItemRef(start).Text!.Value.Span) : kind;
                    continue;
                }
            }
            if (start >= 0)
            {
                output = Emit(records, start, end, output);
                start = -1;
            }
            if (text)
            {
                (start, end, length) = (i, i, record.Text!.Value.Length);
                kind = TraceShapes.KindOf(record.Text!.Value.Span) is var first && first != TraceKind.Other ? first : TraceKind.None;
            }
            else
            {
                output?.Add(record);
            }
        }
        if (start >= 0)
        {
            output = Emit(records, start, end, output);
        }
        return output is null ? records : ImmutableCollectionsMarshal.AsImmutableArray(output.ToArray());
    }

    /// <summary>The entry of records <paramref name="start"/> to <paramref name="end"/>: the first record, its text the
    /// records' texts joined with <c>\n</c> (and <c>\r</c> made <c>\n</c>), level <c>error</c> when it heads an exception.</summary>
    private static List<TelemetryRecord>? Emit(ImmutableArray<TelemetryRecord> records, int start, int end, List<TelemetryRecord>? output)
    {
        ref readonly TelemetryRecord first = ref records.ItemRef(start);
        if (start == end && first.Text!.Value.Span.IndexOf((byte)'\r') < 0)
        {
            output?.Add(first);
            return output;
        }
        if (output is null)
        {
            output = new List<TelemetryRecord>(records.Length);
            output.AddRange(records.AsSpan(0, start));
        }
        int capacity = end - start;
        for (int i = start; i <= end; i++)
        {
            capacity += records.ItemRef(i).Text!.Value.Length;
        }
        byte[] joined = new byte[capacity];
        int written = 0;
        for (int i = start; i <= end; i++)
        {
            if (i > start)
            {
                joined[written++] = (byte)'\n';
            }
            ReadOnlySpan<byte> line = records.ItemRef(i).Text!.Value.Span;
            for (int b = 0; b < line.Length; b++)
            {
                // Node's stdout fallback: \r in place of \n (and \r\n stays one joint).
                joined[written++] = line[b] == '\r' ? (byte)'\n' : line[b];
                b += line[b] == '\r' && b + 1 < line.Length && line[b + 1] == '\n' ? 1 : 0;
            }
        }
        bool exception = end > start && TraceShapes.NamesException(first.Text!.Value.Span);
        output.Add(first with
        {
            Text = new Utf8Line(joined, 0, written), // the records' lines were valid UTF-8, and so are their joints
            Fields = exception ? first.Fields with { Level = "error" } : first.Fields,
        });
        return output;
    }
}
