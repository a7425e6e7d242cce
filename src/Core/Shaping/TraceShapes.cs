using System.Text.RegularExpressions;

namespace LokiLambdaExtension.Core.Shaping;

/// <summary>The shapes of stack-trace lines, per runtime: what continues a trace (a frame, a "Caused by:", an
/// "... N more") and what heads one (an exception's name and message, Python's "Traceback", Go's "panic:"). Read on the
/// line's first bytes; the few shapes that need more than a prefix are source-generated regexes.</summary>
internal static partial class TraceShapes
{
    /// <summary>Lines that continue a trace whatever came before them.</summary>
    private static readonly byte[][] Continuations =
    [
        "\tat "u8.ToArray(), "Caused by: "u8.ToArray(), "Suppressed: "u8.ToArray(), "\tSuppressed: "u8.ToArray(), "\tCaused by: "u8.ToArray(),
        "\t... "u8.ToArray(), // Java
        "  File \""u8.ToArray(), // Python
        "   at "u8.ToArray(), "--- End of inner exception stack trace ---"u8.ToArray(), "--- End of stack trace from previous location ---"u8.ToArray(), // .NET
        "    at "u8.ToArray(), // Node
        "\tfrom "u8.ToArray(), // Ruby
    ];

    private static readonly System.Buffers.SearchValues<byte> ContinuationStarts =
        System.Buffers.SearchValues.Create([.. Continuations.Select(prefix => prefix[0]).Distinct()]);

    /// <summary>Whether <paramref name="line"/> continues a trace of <paramref name="trace"/>'s runtime: a frame or a
    /// cause line of any runtime, or a shape only that runtime's traces have (an indented source line, a Go function).</summary>
    public static bool Continues(ReadOnlySpan<byte> line, TraceKind trace)
    {
        // Most lines start with none of the prefixes' first bytes: one look instead of a comparison with each prefix
        // (which was 4% of the instructions of 50,000 plain lines).
        if (!line.IsEmpty && ContinuationStarts.Contains(line[0]))
        {
            foreach (byte[] prefix in Continuations)
            {
                if (line.StartsWith(prefix))
                {
                    return true;
                }
            }
        }
        return trace switch
        {
            TraceKind.Python => line.IsEmpty || line.StartsWith("    "u8) || line.StartsWith("Traceback (most recent call last):"u8)
                                || line.StartsWith("During handling of the above exception, another exception occurred:"u8)
                                || line.StartsWith("The above exception was the direct cause of the following exception:"u8)
                                || Matches(PythonClosing(), line),
            TraceKind.Go => line.IsEmpty || line.StartsWith("\t"u8) || line.StartsWith("created by "u8)
                            || Matches(GoroutineHeader(), line) || Matches(GoFunction(), line),
            _ => false,
        };
    }

    /// <summary>Whose trace an entry starting with <paramref name="line"/> is, for the shapes only that runtime has.</summary>
    public static TraceKind KindOf(ReadOnlySpan<byte> line) =>
        line.StartsWith("Traceback (most recent call last):"u8) ? TraceKind.Python
        : line.StartsWith("panic: "u8) || line.StartsWith("goroutine "u8) ? TraceKind.Go
        : TraceKind.Other;

    /// <summary>Whether a trace's first line names an exception: Java's <c>java.lang.IllegalStateException: boom</c> (or
    /// <c>Exception in thread "main" …</c>), .NET's <c>System.InvalidOperationException: boom</c>, Node's
    /// <c>TypeError: boom</c>, Python's <c>Traceback</c>, Go's <c>panic:</c>, Ruby's <c>app.rb:3:in 'x': boom (RuntimeError)</c>.
    /// Read once per joined entry, so the regexes cost nothing per plain line.</summary>
    public static bool NamesException(ReadOnlySpan<byte> line) =>
        KindOf(line) != TraceKind.Other || line.StartsWith("Exception in thread \""u8)
        || Matches(ExceptionHeader(), line) || Matches(RubyHeader(), line);

    /// <summary>Whether a line heads an exception's trace, for a line that stands alone (no joining where requests
    /// interleave, a trace cut between deliveries): an exception's name and message, Python's <c>Traceback</c> or its
    /// closing <c>ValueError: boom</c>, Go's <c>panic:</c>. Such a line is <c>level=error</c>, as a joined trace whose head
    /// it is. A plain line pays one vectorised search for the names, no regex.</summary>
    public static bool HeadsError(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> head = line[..Math.Min(line.Length, 200)];
        if (head.IndexOf("Error"u8) < 0 && head.IndexOf("Exception"u8) < 0 && head.IndexOf("Throwable"u8) < 0
            && !head.StartsWith("Traceback (most recent call last):"u8) && !head.StartsWith("panic: "u8))
        {
            return false;
        }
        return NamesException(line) || Matches(PythonClosing(), line);
    }

    /// <summary>Matches <paramref name="regex"/> on the line's first 200 bytes, decoded on the stack: enough for every
    /// shape, and no regex runs over a huge line.</summary>
    private static bool Matches(Regex regex, ReadOnlySpan<byte> line)
    {
        Span<char> chars = stackalloc char[200];
        int length = System.Text.Encoding.UTF8.GetChars(line[..Math.Min(line.Length, 200)], chars);
        return regex.IsMatch(chars[..length]);
    }

    [GeneratedRegex(@"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b(: |$)")]
    private static partial Regex PythonClosing();

    [GeneratedRegex(@"^goroutine \d+ \[[^\]]*\]:$")]
    private static partial Regex GoroutineHeader();

    [GeneratedRegex(@"^[\w./*()\[\]-]+\(.*\)$")]
    private static partial Regex GoFunction();

    /// <summary>Java's <c>java.lang.IllegalStateException: boom</c>, .NET's <c>System.InvalidOperationException: boom</c>
    /// or <c>Unhandled exception. System.…</c>, Node's <c>TypeError: boom</c>, and the bare names: Node's <c>Error: boom</c>
    /// (a plain <c>new Error</c>), <c>Exception: boom</c>, <c>Throwable</c>.</summary>
    [GeneratedRegex(@"^(Unhandled exception\. )?([A-Za-z_$][\w$.]*)?(Exception|Error|Throwable)(: |$)")]
    private static partial Regex ExceptionHeader();

    /// <summary>Ruby's <c>app.rb:3:in 'handler': boom (RuntimeError)</c>.</summary>
    [GeneratedRegex(@":\d+:in .*\((\w+::)*\w+(Error|Exception)\)$")]
    private static partial Regex RubyHeader();
}

/// <summary>Which runtime's trace an entry is, for the shapes that only that runtime's traces have.</summary>
internal enum TraceKind
{
    /// <summary>Not a trace (yet): only the frames every runtime shares can join it.</summary>
    None,
    Python,
    Go,
    /// <summary>Java, .NET, Node, Ruby: their frames are all known by their prefix.</summary>
    Other,
}
