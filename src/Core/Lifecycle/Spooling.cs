using LanguageExt;
using LokiLambdaExtension.Core.Loki;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>The bounded buffer: memory up to <see cref="DeliveryPolicy.MaxBufferBytes"/>, the oldest entries spilled to
/// a spool on /tmp from <see cref="DeliveryPolicy.SpillAboveBytes"/> on (up to <see cref="DeliveryPolicy.SpoolMaxBytes"/>),
/// read back oldest first when memory has room, and, beyond both caps, lines shed by priority and counted.</summary>
internal static class Spooling
{
    /// <summary>A spill or a load, when one is due; spills come first, so memory stays under its cap. Files are read
    /// back only while a push can follow (<paramref name="mayLoad"/>): at SHUTDOWN, once Loki is given up on, what
    /// was spilled stays spilled.</summary>
    public static Option<Decision> Decide(ExtensionState state, bool mayLoad = true)
    {
        DeliveryPolicy policy = state.Policy;
        if (state.PendingBytes > policy.SpillAboveBytes && SpillOldest(state).Case is Decision spill)
        {
            return spill;
        }
        if (mayLoad && state.Loading.IsNone && state.Spilling.IsNone && state.Spool.HeadOrNone().Case is SpoolFile head
            && state.PendingBytes + head.Bytes <= policy.SpillAboveBytes / 2)
        {
            return new SpoolLoadStarted(head);
        }
        return None;
    }

    /// <summary>Spills the oldest chunk of memory when the spool works and has room for it: above the spill threshold,
    /// and for everything left when SHUTDOWN gives up on Loki (if the environment is reused, after a timeout or a
    /// crash Lambda restarts the extension and /tmp survives, the next process sends it).</summary>
    public static Option<Decision> SpillOldest(ExtensionState state)
    {
        if (state.Spilling.IsSome || !state.SpoolWorks || state.Pending.IsEmpty)
        {
            return None;
        }
        var (entries, bytes) = state.Pending.Oldest(ChunkBytes(state.Policy));
        return state.SpoolBytes + bytes <= state.Policy.SpoolMaxBytes
            ? new SpillStarted(new SpoolFile(state.NextSpoolId, entries.Length, bytes), entries)
            : None;
    }

    /// <summary>Spilled entries leave memory at once; until the write is confirmed they are held as a batch (with its
    /// read-back mark), so a failed write can put them back exactly where they were.</summary>
    public static ExtensionState Started(ExtensionState state, SpillStarted spill) => state with
    {
        Pending = state.Pending.Skip(spill.Entries.Length),
        ReadBack = Math.Max(0, state.ReadBack - spill.Entries.Length),
        PendingBytes = state.PendingBytes - spill.File.Bytes,
        Spilling = new PushBatch(spill.File.Id, spill.Entries, spill.File.Bytes, Math.Min(state.ReadBack, spill.Entries.Length)),
        NextSpoolId = spill.File.Id + 1,
    };

    public static ExtensionState Finished(ExtensionState state, SpillFinished finished)
    {
        if (state.Spilling.Case is not PushBatch spilling || spilling.Id != finished.FileId)
        {
            return state;
        }
        var file = new SpoolFile(spilling.Id, spilling.Entries.Length, spilling.Bytes);
        if (finished.Error is null)
        {
            return state with
            {
                Spilling = None,
                Spool = state.Spool.Add(file),
                SpoolBytes = state.SpoolBytes + file.Bytes,
                Counters = state.Counters with { Spilled = state.Counters.Spilled + file.Count },
            };
        }
        // The disk refused: memory alone from now on. The entries come back, and shedding keeps the cap.
        return Shed(state with
        {
            Spilling = None,
            SpoolWorks = false,
            Pending = Requeue.Prepend(spilling.Entries, state.Pending),
            ReadBack = spilling.ReadBackWhenPutBack(state.ReadBack),
            PendingBytes = state.PendingBytes + file.Bytes,
        }, "the spool could not be written (" + finished.Error + ")");
    }

    public static ExtensionState LoadStarted(ExtensionState state, SpoolLoadStarted load) => state with
    {
        Loading = load.File,
        Spool = state.Spool.Tail,
        SpoolBytes = state.SpoolBytes - load.File.Bytes,
    };

    public static ExtensionState Loaded(ExtensionState state, SpoolLoaded loaded)
    {
        if (state.Loading.Case is not SpoolFile file || file.Id != loaded.FileId)
        {
            return state;
        }
        state = state with { Loading = None };
        if (loaded.Error is not null)
        {
            return Losses.Add(state with { Counters = state.Counters with { Dropped = state.Counters.Dropped + file.Count } },
                file.Count, file.Bytes, $"dropped: a spool file could not be read back ({loaded.Error})", "spool_unreadable");
        }
        long bytes = loaded.Entries.Sum(e => (long)e.ApproximateBytes);
        // Older than what memory holds, newer than what was read back before it.
        int at = Math.Min(state.ReadBack, state.Pending.Count);
        return state with
        {
            Pending = Requeue.Insert(state.Pending, at, loaded.Entries),
            ReadBack = at + loaded.Entries.Length,
            PendingBytes = state.PendingBytes + bytes,
        };
    }

    public static ExtensionState Found(ExtensionState state, SpoolFound found)
    {
        var files = found.Files.OrderBy(f => f.Id).ToArray();
        if (files.Length == 0)
        {
            return state;
        }
        var spool = new SpoolFile[files.Length + state.Spool.Count];
        files.CopyTo(spool, 0);
        state.Spool.ToArray().CopyTo(spool, files.Length);
        return state with
        {
            Spool = LanguageExt.Seq.create(spool),
            SpoolBytes = state.SpoolBytes + files.Sum(f => f.Bytes),
            NextSpoolId = Math.Max(state.NextSpoolId, files[^1].Id + 1),
            Counters = state.Counters with { Received = state.Counters.Received + files.Sum(f => (long)f.Count) },
        };
    }

    /// <summary>Keeps memory under its cap by dropping the least important lines first (debug, then info, then warn;
    /// errors and platform lines last), oldest first within each, and says so in one loss report.</summary>
    public static ExtensionState Shed(ExtensionState state, string why)
    {
        long cap = state.Policy.MaxBufferBytes;
        if (state.PendingBytes <= cap)
        {
            return state;
        }
        LogEntry[] entries = state.Pending.ToArray();
        bool[] shed = new bool[entries.Length];
        long excess = state.PendingBytes - cap;
        long shedBytes = 0;
        int shedCount = 0;
        for (int rank = 0; rank <= 4 && shedBytes < excess; rank++)
        {
            for (int i = 0; i < entries.Length && shedBytes < excess; i++)
            {
                if (LossReport.SheddingRank(in entries[i]) == rank)
                {
                    shed[i] = true;
                    shedBytes += entries[i].ApproximateBytes;
                    shedCount++;
                }
            }
        }
        var kept = new List<LogEntry>(entries.Length - shedCount);
        for (int i = 0; i < entries.Length; i++)
        {
            if (!shed[i])
            {
                kept.Add(entries[i]);
            }
        }
        state = state with
        {
            Pending = EntryQueue.Of(kept.ToArray()),
            ReadBack = Math.Min(state.ReadBack, kept.Count),
            PendingBytes = state.PendingBytes - shedBytes,
            Counters = state.Counters with { Dropped = state.Counters.Dropped + shedCount },
        };
        return Losses.Add(state, shedCount, shedBytes,
            $"dropped: the buffer is full ({cap / (1024 * 1024)} MiB in memory; {why}); the least important lines went first",
            "buffer_full");
    }

    /// <summary>Spill chunks are small enough to be read back into half the spill threshold.</summary>
    private static long ChunkBytes(DeliveryPolicy policy) => Math.Max(1, Math.Min(policy.MaxBatchBytes, policy.SpillAboveBytes / 4));
}
