using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Delivery;

/// <summary>Settles a batch once Loki answered each of its streams: stored entries are counted sent, refused ones are
/// counted under their cause, and those worth another try go back in front of the buffer, in order. What is worth
/// telling the user is told here too (<see cref="PushNotices"/>).</summary>
internal static class PushSettlement
{
    /// <summary>After a 429, batches are halved down to this and no further: a rate limiter refuses a push larger than
    /// its burst (Loki's are megabytes by default), and smaller batches than this would only slow the catching up.</summary>
    internal const long RateLimitedBatchFloorBytes = 128 * 1024;

    /// <summary>A push that failed inside the extension is tried again this many times; a bug that repeats would
    /// otherwise hold the same entries, and every later one behind them, for ever.</summary>
    internal const int CrashRetries = 2;

    public static ExtensionState Finished(LifecycleSettings settings, ExtensionState state, PushFinished finished)
    {
        if (state.Delivery.InFlight.Case is not PushBatch batch || batch.Id != finished.BatchId)
        {
            return state; // a stale answer: the batch was already settled
        }
        state = state with { Delivery = state.Delivery with { InFlight = None } };
        bool delivered = false, retry = false, rateLimited = false, crashed = false;
        long? retryAfterMs = null;
        long? splitCap = null;
        var putBack = new System.Collections.Generic.HashSet<StreamKind>();
        var stored = new System.Collections.Generic.HashSet<StreamKind>();
        foreach (StreamKind stream in batch.Streams())
        {
            var (count, bytes) = batch.Of(stream);
            PushOutcome outcome = finished.Outcomes.For(stream);
            bool reread = outcome is PushOutcome.Rejected { Status: 401 or 403 } && AwsAccess.RereadsOnRefusal(settings, state);
            // A refusal that sends the secrets to be read again loses nothing: told as that (AwsAccess.LokiRefused), not as a loss.
            state = reread ? state : PushNotices.Tell(settings, state, outcome, count);
            DeliveryCounters c = state.Counters;
            switch (outcome)
            {
                case PushOutcome.Delivered:
                    delivered = true;
                    stored.Add(stream);
                    state = state with { Counters = c with { Sent = c.Sent + count } };
                    break;
                case PushOutcome.Rejected when reread:
                    // Secrets read from AWS may have been rotated: read them again and retry, once per refusal.
                    putBack.Add(stream);
                    retry = true;
                    state = AwsAccess.LokiRefused(state);
                    break;
                case PushOutcome.Rejected r:
                    state = Refused(state, r, count, bytes);
                    break;
                case PushOutcome.TooLarge when count > 1:
                    putBack.Add(stream);
                    splitCap = Math.Min(splitCap ?? long.MaxValue, Math.Max(1, bytes / 2));
                    break;
                case PushOutcome.TooLarge:
                    state = Losses.Add(state with { Counters = c with { Rejected = c.Rejected + 1 } }, 1, bytes, OutcomeWords.LossReason(outcome), "too_large");
                    break;
                case PushOutcome.Crashed when state.Delivery.Crashes < CrashRetries:
                    putBack.Add(stream);
                    retry = crashed = true;
                    break;
                case PushOutcome.Crashed or PushOutcome.Blocked:
                    state = Losses.Add(state with { Counters = c with { Dropped = c.Dropped + count } }, count, bytes, OutcomeWords.LossReason(outcome),
                        outcome is PushOutcome.Blocked ? "ingestion_blocked" : "push_crashed");
                    break;
                case PushOutcome.Retryable r:
                    putBack.Add(stream);
                    retry = true;
                    splitCap = r.RateLimited ? Math.Min(splitCap ?? long.MaxValue, Math.Max(RateLimitedBatchFloorBytes, bytes / 2)) : splitCap;
                    rateLimited |= r.RateLimited;
                    retryAfterMs = r.RetryAfterMs is long after ? Math.Max(retryAfterMs ?? 0, after) : retryAfterMs;
                    state = state with
                    {
                        Counters = c with { Retries = c.Retries + 1, MaybeDuplicated = c.MaybeDuplicated + (r.MayHaveBeenStored ? count : 0) },
                    };
                    break;
            }
        }
        state = stored.Count > 0 ? AwsAccess.LokiTook(Archiving.Copy(settings, state, batch.Only(stored.Contains))) : state;
        DeliveryState delivery = state.Delivery with { Crashes = crashed ? state.Delivery.Crashes + 1 : 0 };
        if (retry)
        {
            // Only the streams that failed go again; what Loki stored is not re-sent.
            long retryAt = state.NowMs + Backoff(settings.Policy, delivery.Attempt, finished.Jitter, retryAfterMs);
            delivery = delivery with { Attempt = delivery.Attempt + 1, BatchCap = Math.Min(delivery.BatchCap, splitCap ?? long.MaxValue), RateLimited = rateLimited };
            return PutBack(state with { Delivery = delivery }, batch.Only(putBack.Contains), retryAt);
        }
        if (splitCap is long cap)
        {
            return PutBack(state with { Delivery = delivery with { BatchCap = cap } }, batch.Only(putBack.Contains), retryAtMs: state.NowMs);
        }
        return state with
        {
            Delivery = delivery with
            {
                Attempt = 0,
                RateLimited = false,
                RetryAtMs = delivered ? 0 : delivery.RetryAtMs,
                BatchCap = delivered ? Math.Min(settings.Policy.MaxBatchBytes, delivery.BatchCap * 2) : delivery.BatchCap,
            },
        };
    }

    /// <summary>A 400 stored the valid entries: only those Loki counts as refused are lost, and those refused for their
    /// age are reported as such (not as a configuration problem). Other refusals (401, 403, other 4xx) lose them all.</summary>
    private static ExtensionState Refused(ExtensionState state, PushOutcome.Rejected rejected, int count, long bytes)
    {
        DeliveryCounters c = state.Counters;
        LokiRefusal refusal = rejected.Status == 400 ? LokiRefusal.Read(rejected.Message) : new LokiRefusal(null, 0);
        int refused = Math.Min(count, refusal.Refused ?? count);
        int tooOld = Math.Min(refused, refusal.TooOld);
        long bytesEach = count == 0 ? 0 : bytes / count;
        state = state with { Counters = c with { Sent = c.Sent + count - refused, Rejected = c.Rejected + refused } };
        state = Losses.Add(state, tooOld, tooOld * bytesEach,
            $"refused by Loki as too old for their stream (HTTP {rejected.Status}, not retried): {rejected.Message}", "too_old");
        return Losses.Add(state, refused - tooOld, (refused - tooOld) * bytesEach, OutcomeWords.LossReason(rejected), "rejected");
    }

    private static ExtensionState PutBack(ExtensionState state, PushBatch batch, long retryAtMs) => state with
    {
        Buffer = state.Buffer.PutBack(batch),
        Delivery = state.Delivery with { RetryAtMs = retryAtMs },
    };

    /// <summary>Exponential backoff with full jitter; Loki's <c>Retry-After</c> wins when it asks for longer.</summary>
    internal static long Backoff(DeliveryPolicy policy, int attempt, double jitter, long? retryAfterMs)
    {
        long ceiling = Math.Min(policy.BackoffMaxMs, policy.BackoffBaseMs << Math.Min(attempt, 20));
        long delay = (long)(Math.Clamp(jitter, 0, 1) * ceiling);
        return Math.Max(delay, Math.Min(retryAfterMs ?? 0, policy.BackoffMaxMs));
    }
}
