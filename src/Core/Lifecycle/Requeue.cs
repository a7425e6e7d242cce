using System.Collections.Immutable;
using LanguageExt;
using LokiLambdaExtension.Core.Loki;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Putting entries back in front of the buffer (a failed push, a spool file read back), so they keep their
/// order in Loki.</summary>
internal static class Requeue
{
    /// <summary>A fresh sequence rather than <c>Seq</c> concatenation, whose nested generic types Native AOT cannot
    /// compile. Only failures and spool reads pay for the copy.</summary>
    public static Seq<LogEntry> Prepend(ImmutableArray<LogEntry> head, Seq<LogEntry> tail)
    {
        var entries = new LogEntry[head.Length + tail.Count];
        head.CopyTo(entries);
        int index = head.Length;
        foreach (LogEntry entry in tail)
        {
            entries[index++] = entry;
        }
        return LanguageExt.Seq.create(entries);
    }
}
