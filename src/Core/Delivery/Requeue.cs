using System.Collections.Immutable;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Putting entries back in front of the buffer (a failed push, a spool file read back), so they keep their
/// order in Loki.</summary>
internal static class Requeue
{
    /// <summary>Only failures and spool reads pay for the copy.</summary>
    public static EntryQueue Prepend(ImmutableArray<LogEntry> head, EntryQueue tail) => Insert(tail, 0, head);

    /// <summary>The entries of <paramref name="pending"/>, with <paramref name="inserted"/> placed before index <paramref name="at"/>.</summary>
    public static EntryQueue Insert(EntryQueue pending, int at, ImmutableArray<LogEntry> inserted)
    {
        var entries = new LogEntry[pending.Count + inserted.Length];
        int index = 0;
        foreach (LogEntry entry in pending)
        {
            if (index == at)
            {
                inserted.CopyTo(entries, index);
                index += inserted.Length;
            }
            entries[index++] = entry;
        }
        if (at >= pending.Count)
        {
            inserted.CopyTo(entries, index);
        }
        return EntryQueue.Of(entries);
    }
}
