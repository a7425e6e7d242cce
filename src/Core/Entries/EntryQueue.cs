using System.Collections;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace LokiLambdaExtension.Core.Entries;

/// <summary>The entries waiting to be pushed, oldest first: an immutable queue of the arrays they came in (one per
/// telemetry body). Taking in a body adds one node, where a <c>Seq&lt;LogEntry&gt;</c> added a node per line and
/// regrew its array as it went: buffering a line allocates nothing of its own. The chunks are an
/// <see cref="ImmutableQueue{T}"/>, which lets go of what is taken out: a <c>Seq</c>'s tail shares its array, so a
/// buffer that never empties (a busy Managed Instance) kept every body it ever held.</summary>
internal sealed class EntryQueue : IEnumerable<LogEntry>
{
    private readonly ImmutableQueue<ImmutableArray<LogEntry>> _chunks;
    /// <summary>How many entries of the first chunk are already gone (pushed or spilled).</summary>
    private readonly int _skip;

    private EntryQueue(ImmutableQueue<ImmutableArray<LogEntry>> chunks, int skip, int count)
    {
        _chunks = chunks;
        _skip = skip;
        Count = count;
    }

    public static EntryQueue Empty { get; } = new(ImmutableQueue<ImmutableArray<LogEntry>>.Empty, 0, 0);

    /// <summary>A queue of <paramref name="entries"/>, which the caller hands over and never changes.</summary>
    public static EntryQueue Of(LogEntry[] entries) => Empty.Append(ImmutableCollectionsMarshal.AsImmutableArray(entries));

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public EntryQueue Add(LogEntry entry) => Append([entry]);

    /// <summary>The queue with <paramref name="entries"/> after everything in it.</summary>
    public EntryQueue Append(ImmutableArray<LogEntry> entries) =>
        entries.IsDefaultOrEmpty ? this : new EntryQueue(_chunks.Enqueue(entries), _skip, Count + entries.Length);

    /// <summary>The queue without its oldest <paramref name="count"/> entries.</summary>
    public EntryQueue Skip(int count)
    {
        if (count >= Count)
        {
            return Empty;
        }
        ImmutableQueue<ImmutableArray<LogEntry>> chunks = _chunks;
        int skip = _skip + count;
        while (skip >= chunks.Peek().Length)
        {
            skip -= chunks.Peek().Length;
            chunks = chunks.Dequeue();
        }
        return new EntryQueue(chunks, skip, Count - count);
    }

    /// <summary>The oldest entries that fit in <paramref name="maxBytes"/> (counted as <see cref="LogEntry.ApproximateBytes"/>),
    /// and always at least one: what a push, a spill or an archive object takes. They are of one tenant, the oldest
    /// entry's: a push carries one <c>X-Scope-OrgID</c>.</summary>
    public (ImmutableArray<LogEntry> Entries, long Bytes) Oldest(long maxBytes)
    {
        long bytes = 0;
        int count = 0;
        string? tenant = null;
        foreach (LogEntry entry in this)
        {
            if (count == 0)
            {
                tenant = entry.Tenant;
            }
            else if (bytes + entry.ApproximateBytes > maxBytes || !string.Equals(entry.Tenant, tenant, StringComparison.Ordinal))
            {
                break;
            }
            bytes += entry.ApproximateBytes;
            count++;
        }
        var taken = ImmutableArray.CreateBuilder<LogEntry>(count);
        foreach (LogEntry entry in this)
        {
            if (taken.Count == count)
            {
                break;
            }
            taken.Add(entry);
        }
        return (taken.MoveToImmutable(), bytes);
    }

    public LogEntry[] ToArray()
    {
        var entries = new LogEntry[Count];
        int index = 0;
        foreach (LogEntry entry in this)
        {
            entries[index++] = entry;
        }
        return entries;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<LogEntry> IEnumerable<LogEntry>.GetEnumerator()
    {
        foreach (LogEntry entry in this)
        {
            yield return entry;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<LogEntry>)this).GetEnumerator();

    /// <summary>Walks the chunks in order.</summary>
    public struct Enumerator
    {
        private ImmutableQueue<ImmutableArray<LogEntry>>.Enumerator _chunks;
        private ImmutableArray<LogEntry> _chunk;
        private int _index;
        /// <summary>Where the first chunk starts: its entries before are gone.</summary>
        private int _firstIndex;

        internal Enumerator(EntryQueue queue)
        {
            _chunks = queue._chunks.GetEnumerator();
            _chunk = ImmutableArray<LogEntry>.Empty;
            _index = -1;
            _firstIndex = queue._skip;
        }

        public readonly LogEntry Current => _chunk[_index];

        public bool MoveNext()
        {
            _index++;
            while (_index >= _chunk.Length)
            {
                if (!_chunks.MoveNext())
                {
                    return false;
                }
                _chunk = _chunks.Current;
                _index = _firstIndex;
                _firstIndex = 0;
            }
            return true;
        }
    }
}
