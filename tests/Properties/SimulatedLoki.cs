namespace LokiLambdaExtension.Properties;

/// <summary>Loki as the lifecycle simulation plays it: each stream of a push answered in one of the ways Loki (or the
/// extension itself) can end a push, chosen by the move's roll, and a ledger of what it stored.</summary>
internal sealed class SimulatedLoki
{
    public List<int> Stored { get; } = [];

    public System.Collections.Generic.HashSet<int> Settled { get; } = [];

    /// <summary>A push was stored but its answer lost: a line may then be stored twice, and that is allowed.</summary>
    public bool MayDuplicate { get; private set; }

    /// <summary>Stores every push at once: no failures, so nothing is reordered by retries or spooling.</summary>
    public bool AlwaysStores { get; set; }

    /// <summary>The push ran into its cut-off: stored or not, no answer came.</summary>
    public PushOutcome CutOff(PushBatch batch, int roll) => AlwaysStores ? StoredOutcome(batch)
        : roll % 2 == 0 ? StoredThenCut(batch) : new PushOutcome.Retryable("no answer in time", null, true);

    public static int LineId(Utf8Line line) => line.StartsWith("line "u8) ? int.Parse(line.Span[5..]) : -1;

    /// <summary>Each stream of a batch is its own push request, answered on its own.</summary>
    public StreamOutcomes Answer(PushBatch batch, int roll)
    {
        StreamOutcomes outcomes = new PushOutcome.Delivered();
        foreach (StreamKind stream in batch.Streams())
        {
            outcomes = outcomes.With(stream, Outcome(batch.Only(s => s == stream), roll));
        }
        return outcomes;
    }

    private PushOutcome Outcome(PushBatch batch, int roll) => AlwaysStores ? StoredOutcome(batch) : ((roll + (int)batch.Entries[0].Stream) % 13) switch
    {
        0 => new PushOutcome.Retryable("HTTP 429", RetryAfterMs: roll * 30, MayHaveBeenStored: false),
        1 => new PushOutcome.Retryable("HTTP 429", RetryAfterMs: null, MayHaveBeenStored: false),
        2 => new PushOutcome.Retryable("HTTP 503", null, MayHaveBeenStored: false),
        3 => new PushOutcome.Retryable("connection refused", null, MayHaveBeenStored: false),
        4 => StoredThenCut(batch),
        5 => Settle(batch, new PushOutcome.Rejected(400, "line too long")),
        6 => batch.Entries.Length == 1 ? Settle(batch, new PushOutcome.TooLarge()) : new PushOutcome.TooLarge(),
        7 => Settle(batch, new PushOutcome.Blocked("ingestion blocked")),
        8 => new PushOutcome.Crashed("simulated bug"),
        _ => StoredOutcome(batch),
    };

    private PushOutcome StoredOutcome(PushBatch batch)
    {
        Store(batch);
        return new PushOutcome.Delivered();
    }

    /// <summary>Loki stored the push, but the answer never arrived (a timeout or a cut connection).</summary>
    private PushOutcome StoredThenCut(PushBatch batch)
    {
        Store(batch);
        MayDuplicate = true;
        return new PushOutcome.Retryable("timeout", null, MayHaveBeenStored: true);
    }

    private PushOutcome Settle(PushBatch batch, PushOutcome outcome)
    {
        // A single-entry 413 is rejected too; which lines the core gave up on is all that matters here.
        foreach (var entry in batch.Entries)
        {
            Settled.Add(LineId(entry.Line));
        }
        return outcome;
    }

    public void Store(PushBatch batch)
    {
        foreach (var entry in batch.Entries)
        {
            if (entry.Line.StartsWith("line "u8))
            {
                Stored.Add(LineId(entry.Line));
            }
        }
    }
}
