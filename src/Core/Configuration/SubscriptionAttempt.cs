using LanguageExt;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>Subscribing to the platform's records, as the core decides it: the first subscription to try, and after each
/// refusal the next (the newest Telemetry API schema, the one before it, then, on-demand only, the Logs API), until one
/// is accepted or none is left. The shell sends each attempt and tells what came back; it chooses nothing.</summary>
public sealed record SubscriptionAttempt
{
    private SubscriptionAttempt(ExtensionConfig config, string destination, IReadOnlyList<TelemetrySubscriptionKind> kinds, int index,
        Seq<string> refusals)
    {
        (Config, Destination, Kinds, Index, Refusals) = (config, destination, kinds, index, refusals);
    }

    private ExtensionConfig Config { get; }

    /// <summary>The model's subscriptions, in order (<see cref="ExecutionModels.Subscriptions"/>).</summary>
    private IReadOnlyList<TelemetrySubscriptionKind> Kinds { get; }

    /// <summary>Which of <see cref="Kinds"/> this attempt is.</summary>
    private int Index { get; }

    /// <summary>What the platform answered to the attempts before this one.</summary>
    private Seq<string> Refusals { get; }

    private TelemetrySubscriptionKind Kind => Kinds[Index];

    /// <summary>Where the platform sends the records: the listener's port, by the sandbox's own name.</summary>
    public string Destination { get; }

    /// <summary>The API's path under the runtime API's address.</summary>
    public string Path => Kind.Path();

    /// <summary>The body's <c>schemaVersion</c> (the Logs API has none).</summary>
    public string? Schema => Kind.Schema();

    /// <summary>The record types asked for (<c>LOKI_TELEMETRY_TYPES</c>).</summary>
    public IReadOnlyList<string> Types => [.. Config.TelemetryTypes];

    /// <summary>The buffering asked for, sent explicitly because AWS's pages disagree on the defaults.</summary>
    public int MaxItems => Config.Buffering.MaxItems;

    public int MaxBytes => Config.Buffering.MaxBytes;

    public int TimeoutMs => Config.Buffering.TimeoutMs;

    /// <summary>What to say once one is accepted after refusals (null when the first was).</summary>
    public string? AcceptedNote => Refusals.IsEmpty ? null : $"subscribed to {Kind.Describe()} after {string.Join("; ", Refusals)}";

    /// <summary>The first attempt for <paramref name="config"/>'s execution model, to a listener on <paramref name="port"/>.</summary>
    public static SubscriptionAttempt First(ExtensionConfig config, int port) =>
        new(config, $"http://sandbox.localdomain:{port}", config.Model.Subscriptions(), 0, []);

    /// <summary>Whether the platform's answer to a subscription accepts it (<see cref="TelemetrySubscriptionKinds.IsSubscription"/>).</summary>
    public static bool Accepts(int status, string body) => TelemetrySubscriptionKinds.IsSubscription(status, body);

    /// <summary>After this attempt was refused with <paramref name="answer"/>: the next one, or, when none is left, why
    /// nothing will be shipped.</summary>
    public (SubscriptionAttempt? Next, string? GaveUp) Refused(string answer)
    {
        Seq<string> refusals = Refusals.Add($"{Kind.Describe()} refused ({answer})");
        return Index + 1 == Kinds.Count
            ? (null, $"no subscription was accepted in the {Config.Model.Name()} model: {string.Join("; ", refusals)}; nothing will be shipped")
            : (new SubscriptionAttempt(Config, Destination, Kinds, Index + 1, refusals), null);
    }
}
