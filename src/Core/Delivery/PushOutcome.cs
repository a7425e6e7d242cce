namespace LokiLambdaExtension.Core.Delivery;

/// <summary>How Loki answered a push, as far as delivery is concerned (protocols.md §1, "Responses").</summary>
public abstract record PushOutcome
{
    private protected PushOutcome() { }

    /// <summary>2xx: stored.</summary>
    internal sealed record Delivered : PushOutcome;

    /// <summary>400, 401, 403 and other 4xx: retrying cannot help (a 400 is a partial success: valid entries are stored).</summary>
    internal sealed record Rejected(int Status, string Message) : PushOutcome;

    /// <summary>260: the tenant's ingestion is blocked; nothing was stored and nothing will be.</summary>
    internal sealed record Blocked(string Message) : PushOutcome;

    /// <summary>413 from a proxy: the batch must be split.</summary>
    internal sealed record TooLarge : PushOutcome;

    /// <summary>429, 5xx, connection errors, timeouts. <paramref name="MayHaveBeenStored"/> is true when the request
    /// was sent and no answer came back: a retry may then duplicate. <paramref name="RateLimited"/>: a 429, whose
    /// retry goes out smaller (Loki's rate limiters refuse a push larger than their burst however long one waits).
    /// <paramref name="Redirect"/>: a 3xx, which no client follows (the credentials, the tenant and the body would go to
    /// the address it names): a configuration error, and nothing stored, so the entries are kept as for any failure.</summary>
    internal sealed record Retryable(string Reason, long? RetryAfterMs, bool MayHaveBeenStored, bool RateLimited = false, Redirection? Redirect = null)
        : PushOutcome;

    /// <summary>A redirect Loki (or a proxy before it) answered: its status and where it points, as it may be printed.</summary>
    internal sealed record Redirection(int Status, string Location);

    /// <summary>The push failed inside the extension (a bug, not an answer of Loki's): retried a few times, then its
    /// entries are counted lost under a cause of their own, never taken for a refusal by Loki.</summary>
    internal sealed record Crashed(string Reason) : PushOutcome;

    /// <summary>Stored, every entry.</summary>
    public static PushOutcome Stored { get; } = new Delivered();

    /// <summary>No answer: the transport failed (<paramref name="reason"/>) or the deadline came first.
    /// <paramref name="mayHaveBeenStored"/> when the request may have been sent whole.</summary>
    public static PushOutcome Unanswered(string reason, bool mayHaveBeenStored) => new Retryable(reason, null, mayHaveBeenStored);

    /// <summary>The push failed inside the extension (see <see cref="Crashed"/>).</summary>
    public static PushOutcome Failed(string reason) => new Crashed(reason);

    /// <summary>What Loki answered, in words for people (empty for a stored push).</summary>
    public string Answer() => OutcomeWords.Answer(this);

    /// <summary><c>--check</c>'s exit code and verdict for this outcome of its test push to <paramref name="target"/>.</summary>
    public (int Code, string Verdict) CheckVerdict(int? status, string target) => OutcomeWords.Check(this, status, target);

    /// <summary>Whether Loki stored every entry.</summary>
    public bool IsStored => this is Delivered;

    /// <summary>How long Loki asked to wait before trying again, when it said.</summary>
    public long? WaitAskedMs => (this as Retryable)?.RetryAfterMs;

    /// <param name="location">The <c>Location</c> of a 3xx, as it may be printed (<see cref="Redaction.Url"/>).</param>
    public static PushOutcome FromStatus(int status, string body, long? retryAfterMs, string? location = null) => status switch
    {
        260 => new Blocked(body),
        >= 200 and < 300 => new Delivered(),
        >= 300 and < 400 => new Retryable($"HTTP {status} redirecting to {location ?? "(no Location)"}: redirects are never followed", retryAfterMs,
            MayHaveBeenStored: false, Redirect: new Redirection(status, location ?? "(no Location)")),
        413 => new TooLarge(),
        429 => new Retryable($"HTTP {status}: {body}", retryAfterMs, MayHaveBeenStored: false, RateLimited: true),
        >= 500 => new Retryable($"HTTP {status}: {body}", retryAfterMs, MayHaveBeenStored: false),
        _ => new Rejected(status, body),
    };
}
