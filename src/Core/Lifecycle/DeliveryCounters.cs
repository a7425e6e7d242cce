namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>What happened to the entries that went through the extension, for the loss accounting and the
/// SHUTDOWN summary.</summary>
public sealed record DeliveryCounters(long Received, long Sent, long Pushes, long Retries, long Rejected, long Dropped, long MaybeDuplicated)
{
    public static DeliveryCounters Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public string Summary(long stillBuffered) =>
        $"received={Received} sent={Sent} pushes={Pushes} retries={Retries} rejected={Rejected} dropped={Dropped} " +
        $"maybe_duplicated={MaybeDuplicated} unsent={stillBuffered}";
}
