namespace LokiLambdaExtension.Core.Delivery;

/// <summary>What the extension tells about Loki's answers, and when: a refusal once per distinct message, a blocked
/// tenant each time, the first failure of a run of failures and the recovery after it; repeats at debug level.</summary>
internal static class PushNotices
{
    public static ExtensionState Tell(LifecycleSettings settings, ExtensionState state, PushOutcome outcome, int entries)
    {
        DeliveryState delivery = state.Delivery;
        string target = settings.LokiTarget;
        switch (outcome)
        {
            case PushOutcome.Rejected or PushOutcome.Crashed:
                var (first, remembered) = delivery.Remember((outcome is PushOutcome.Rejected r) ? $"{r.Status} {r.Message}" : OutcomeWords.Answer(outcome));
                return first ? (state with { Delivery = remembered }).Tell(NoticeLevel.Error, OutcomeWords.Told(outcome, entries, target)) : state;
            case PushOutcome.Blocked:
                return state.Tell(NoticeLevel.Error, OutcomeWords.Told(outcome, entries, target));
            case PushOutcome.Retryable { Redirect: { } redirect }:
                // A redirect is a configuration error, said whenever it first appears, even inside a run of failures
                // that began otherwise (a timeout under load): a warning about the first failure would hide it.
                var (firstRedirect, rememberedRedirect) = delivery.Remember($"redirect {redirect.Status} {redirect.Location}");
                state = state with { Delivery = rememberedRedirect with { FailedPushes = delivery.FailedPushes + 1 } };
                return firstRedirect
                    ? state.Tell(NoticeLevel.Error, OutcomeWords.Told(outcome, entries, target))
                    : state.Tell(NoticeLevel.Debug, $"push of {entries} entries redirected again (HTTP {redirect.Status})");
            case PushOutcome.Retryable retryable:
                state = state with { Delivery = delivery with { FailedPushes = delivery.FailedPushes + 1 } };
                return delivery.FailedPushes == 0
                    ? state.Tell(NoticeLevel.Warn, OutcomeWords.Told(outcome, entries, target))
                    : state.Tell(NoticeLevel.Debug, $"push of {entries} entries failed again ({retryable.Reason})");
            case PushOutcome.Delivered when delivery.FailedPushes > 0:
                return (state with { Delivery = delivery with { FailedPushes = 0 } })
                    .Tell(NoticeLevel.Info, $"Loki at {target} answers again, after {delivery.FailedPushes} failed pushes");
            default:
                return state;
        }
    }
}
