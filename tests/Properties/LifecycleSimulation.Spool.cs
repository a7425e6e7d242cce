using LanguageExt;
using HashSetOfIds = System.Collections.Generic.HashSet<int>;

namespace LokiLambdaExtension.Properties;

/// <summary>The simulated disk under the spool, where the core holds each line, and that every line is accounted for.</summary>
internal sealed partial class LifecycleSimulation
{
    /// <summary>The simulated spool: what was written, by file id.</summary>
    private readonly Dictionary<long, System.Collections.Immutable.ImmutableArray<LogEntry>> _disk = [];

    /// <summary>Every line id the core still holds somewhere: memory, in flight, being spilled, on disk, being read.</summary>
    public HashSetOfIds HeldLines =>
    [
        .. _state.Buffer.Entries.Concat(_state.Delivery.InFlight.Map(b => b.Entries.AsEnumerable()).IfNone([]))
            .Concat(_state.Spool.Spilling.Map(s => s.Entries.AsEnumerable()).IfNone([]))
            .Concat(_disk.Values.SelectMany(e => e))
            .Concat(ArchiveHeld())
            .Select(e => LineId(e.Line)).Where(id => id > 0),
    ];

    /// <summary>The disk answers at once: one write in seven fails, reads give back what was written.</summary>
    private void AnswerSpool(Seq<Decision> decisions)
    {
        foreach (Decision decision in decisions)
        {
            switch (decision)
            {
                case SpillStarted spill:
                    SpillAttempted.UnionWith(spill.Entries.Select(e => LineId(e.Line)));
                    bool fails = ++_spills % 7 == 3;
                    if (!fails)
                    {
                        _disk[spill.File.Id] = spill.Entries;
                    }
                    Apply(new SpillFinished(_now, spill.File.Id, fails ? "disk full" : null));
                    break;
                case SpoolLoadStarted load:
                    var entries = _disk[load.File.Id];
                    _disk.Remove(load.File.Id);
                    Apply(new SpoolLoaded(_now, load.File.Id, entries, null));
                    break;
            }
        }
    }

    private void CheckConservation()
    {
        DeliveryCounters c = _state.Counters;
        long accounted = c.Sent + c.Rejected + c.Dropped + c.Filtered + c.Archived + _state.Undelivered;
        if (accounted != c.Received + c.Generated)
        {
            _violations.Add($"received {c.Received} + generated {c.Generated} but accounted {accounted} (sent {c.Sent}, " +
                            $"rejected {c.Rejected}, dropped {c.Dropped}, undelivered {_state.Undelivered})");
        }
        if (_state.Buffer.Bytes > _policy.MaxBufferBytes + 4096)
        {
            _violations.Add($"{_state.Buffer.Bytes} bytes buffered in memory, over the cap of {_policy.MaxBufferBytes}");
        }
    }
}
