namespace LokiLambdaExtension.Properties;

/// <summary>The intake's recurring problems are the core's to tell: the first of each kind in full, once, later ones
/// counted at debug level, each kind counted on its own, whether shipping goes on or not.</summary>
public sealed class IntakeTroubleTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheFirstOfEachKind_IsSaidOnce_AndTheRestCounted(bool shipping)
    {
        var state = ExtensionState.Initial(DeliveryPolicy.Default, shipping: shipping) with { Phase = new Phase.AwaitingEvent() };
        var told = new List<Notice>();
        foreach (var (trouble, message) in new[]
        {
            (IntakeTrouble.RefusedRequest, "refused a"), (IntakeTrouble.RefusedRequest, "refused b"),
            (IntakeTrouble.MalformedBody, "malformed c"), (IntakeTrouble.RefusedRequest, "refused d"),
        })
        {
            (state, var decisions) = Lifecycle.Step(LifecycleSettings.Default, state, new IntakeTroubled(1, trouble, message));
            told.AddRange(decisions.OfType<Notified>().Select(n => n.Notice));
        }

        Assert.Equal(
        [
            new Notice(NoticeLevel.Warn, "refused a (said once; later ones at debug level)"),
            new Notice(NoticeLevel.Debug, "refused b (2 so far)"),
            new Notice(NoticeLevel.Warn, "malformed c (said once; later ones at debug level)"),
            new Notice(NoticeLevel.Debug, "refused d (3 so far)"),
        ], told);
        Assert.Equal((1L, 3L), (state.Counters.MalformedBodies, state.Counters.RefusedRequests));
    }
}
