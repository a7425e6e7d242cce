using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Spool;

/// <summary>The bounded buffer: memory up to <see cref="DeliveryPolicy.MaxBufferBytes"/>, the oldest entries spilled to
/// a spool on /tmp from <see cref="DeliveryPolicy.SpillAboveBytes"/> on (up to <see cref="DeliveryPolicy.SpoolMaxBytes"/>),
/// read back oldest first when memory has room, and, beyond both caps, lines shed by priority and counted.</summary>
internal static class Spooling
{
    /// <summary>A spill or a load, when one is due; spills come first, so memory stays under its cap. Files are read
    /// back only while a push can follow (<paramref name="mayLoad"/>): at SHUTDOWN, once Loki is given up on, what
    /// was spilled stays spilled.</summary>
    public static Option<Decision> Decide(LifecycleSettings settings, ExtensionState state, bool mayLoad = true)
    {
        DeliveryPolicy policy = settings.Policy;
        SpoolState spool = state.Spool;
        if (state.Buffer.Bytes > policy.SpillAboveBytes && SpillOldest(settings, state).Case is Decision spill)
        {
            return spill;
        }
        if (mayLoad && spool.IsIdle && spool.Files.HeadOrNone().Case is SpoolFile head && state.Buffer.Bytes + head.Bytes <= policy.SpillAboveBytes / 2)
        {
            return new SpoolLoadStarted(head);
        }
        return None;
    }

    /// <summary>Spills the oldest chunk of memory when the spool works and has room for it: above the spill threshold,
    /// and for everything left when SHUTDOWN gives up on Loki (if the environment is reused, after a timeout or a
    /// crash Lambda restarts the extension and /tmp survives, the next process sends it).</summary>
    public static Option<Decision> SpillOldest(LifecycleSettings settings, ExtensionState state)
    {
        SpoolState spool = state.Spool;
        if (spool.Spilling.IsSome || !spool.Works || state.Buffer.IsEmpty)
        {
            return None;
        }
        PushBatch chunk = state.Buffer.Oldest(spool.NextId, ChunkBytes(settings.Policy));
        return spool.Bytes + chunk.Bytes <= settings.Policy.SpoolMaxBytes ? new SpillStarted(chunk) : None;
    }

    /// <summary>Spilled entries leave memory at once; until the write is confirmed they are held as a batch, so a
    /// failed write can put them back exactly where they were.</summary>
    public static ExtensionState Started(ExtensionState state, SpillStarted spill) => state with
    {
        Buffer = state.Buffer.Without(spill.Batch),
        Spool = state.Spool with { Spilling = spill.Batch, NextId = spill.Batch.Id + 1 },
    };

    public static ExtensionState Finished(LifecycleSettings settings, ExtensionState state, SpillFinished finished)
    {
        if (state.Spool.Spilling.Case is not PushBatch spilling || spilling.Id != finished.FileId)
        {
            return state;
        }
        var file = new SpoolFile(spilling.Id, spilling.Entries.Length, spilling.Bytes);
        if (finished.Error is null)
        {
            return state with
            {
                Spool = state.Spool with { Spilling = None, Files = state.Spool.Files.Add(file), Bytes = state.Spool.Bytes + file.Bytes },
                Counters = state.Counters with { Spilled = state.Counters.Spilled + file.Count },
            };
        }
        // The disk refused: memory alone from now on. The entries come back, and shedding keeps the cap.
        state = state with
        {
            Spool = state.Spool with { Spilling = None, Works = false },
            Buffer = state.Buffer.PutBack(spilling),
        };
        return Shed(settings, state.Tell(NoticeLevel.Warn, $"cannot write the spool ({finished.Error}); keeping entries in memory only"),
            "the spool could not be written (" + finished.Error + ")");
    }

    public static ExtensionState LoadStarted(ExtensionState state, SpoolLoadStarted load) => state with
    {
        Spool = state.Spool with { Loading = load.File, Files = state.Spool.Files.WithoutFirst(), Bytes = state.Spool.Bytes - load.File.Bytes },
    };

    public static ExtensionState Loaded(ExtensionState state, SpoolLoaded loaded)
    {
        if (state.Spool.Loading.Case is not SpoolFile file || file.Id != loaded.FileId)
        {
            return state;
        }
        state = state with { Spool = state.Spool with { Loading = None } };
        if (loaded.Error is not null)
        {
            state = state with { Counters = state.Counters with { Dropped = state.Counters.Dropped + file.Count } };
            return Losses.Add(state.Tell(NoticeLevel.Warn, $"cannot read back spool file {file.Id} ({loaded.Error}); its {file.Count} entries are lost"),
                file.Count, file.Bytes, $"dropped: a spool file could not be read back ({loaded.Error})", "spool_unreadable");
        }
        return state with { Buffer = state.Buffer.ReadBackFromSpool(loaded.Entries) };
    }

    public static ExtensionState Found(ExtensionState state, SpoolFound found)
    {
        var files = found.Files.OrderBy(f => f.Id).ToArray();
        if (files.Length == 0)
        {
            return state;
        }
        var spool = new SpoolFile[files.Length + state.Spool.Files.Count];
        files.CopyTo(spool, 0);
        state.Spool.Files.ToArray().CopyTo(spool, files.Length);
        // Names are checked by the shell against the files, but a sum of what came from disk must not be able to
        // overflow whatever they say: saturating, it stops nothing.
        long entries = files.Aggregate(0L, (sum, f) => Saturating(sum, Math.Max(0, f.Count)));
        long bytes = files.Aggregate(0L, (sum, f) => Saturating(sum, Math.Max(0, f.Bytes)));
        return (state with
        {
            Spool = state.Spool with
            {
                Files = LanguageExt.Seq.create(spool),
                Bytes = Saturating(state.Spool.Bytes, bytes),
                NextId = Math.Max(state.Spool.NextId, files[^1].Id + 1),
            },
            Counters = state.Counters with { Received = Saturating(state.Counters.Received, entries) },
        }).Tell(NoticeLevel.Info, $"found {entries} entries in the spool from an earlier run; sending them");
    }

    /// <summary>Keeps memory under its cap by shedding the least important lines first (debug, then info, then warn;
    /// errors and platform lines last), oldest first within each, and says so in a loss report. With the S3 archive,
    /// shed lines go to it while it has room for them in memory, and the report says <c>archived</c>.</summary>
    public static ExtensionState Shed(LifecycleSettings settings, ExtensionState state, string why)
    {
        long cap = settings.Policy.MaxBufferBytes;
        if (state.Buffer.Bytes <= cap)
        {
            return state;
        }
        LogEntry[] entries = state.Buffer.Entries.ToArray();
        bool[] shed = new bool[entries.Length];
        long excess = state.Buffer.Bytes - cap;
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
        var rescued = new List<LogEntry>();
        long rescuedBytes = 0;
        long room = Archiving.RoomForRescued(settings, state);
        for (int i = 0; i < entries.Length; i++)
        {
            if (!shed[i])
            {
                kept.Add(entries[i]);
            }
            else if (rescuedBytes + entries[i].ApproximateBytes <= room)
            {
                rescued.Add(entries[i]);
                rescuedBytes += entries[i].ApproximateBytes;
            }
        }
        int dropped = shedCount - rescued.Count;
        state = state with
        {
            Buffer = state.Buffer.Keeping(HeldLines.Compacted(kept.ToArray(), state.Buffer.Bytes - shedBytes), state.Buffer.Bytes - shedBytes),
            Counters = state.Counters with { Dropped = state.Counters.Dropped + dropped },
        };
        state = Archiving.Rescue(state, rescued, rescuedBytes);
        state = Losses.Add(state, rescued.Count, rescuedBytes,
            $"archived: the buffer is full ({cap / (1024 * 1024)} MiB in memory; {why}); the least important lines went to the S3 archive", "archived");
        return Losses.Add(state, dropped, shedBytes - rescuedBytes,
            $"dropped: the buffer is full ({cap / (1024 * 1024)} MiB in memory; {why}); the least important lines went first",
            "buffer_full");
    }

    private static long Saturating(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    /// <summary>Spill chunks are small enough to be read back into half the spill threshold.</summary>
    private static long ChunkBytes(DeliveryPolicy policy) => Math.Max(1, Math.Min(policy.MaxBatchBytes, policy.SpillAboveBytes / 4));
}
