namespace LokiLambdaExtension.Core.Delivery;

/// <summary>What Loki's answers mean in words: for loss reports, for what the extension tells while running, and for
/// <c>--check</c>. One mapping, so the three never say different things.</summary>
internal static class OutcomeWords
{
    /// <summary>The variables that decide how the extension authenticates to Loki.</summary>
    public const string CredentialVariables =
        $"{ConfigValues.Names.AuthToken}, {ConfigValues.Names.Username}/{ConfigValues.Names.Password} and {ConfigValues.Names.TenantId}";

    /// <summary>What came back with the outcome: Loki's message, the reason of a failure, or nothing for a stored push.</summary>
    public static string Answer(PushOutcome outcome) => outcome switch
    {
        PushOutcome.Rejected r => r.Message,
        PushOutcome.Blocked b => b.Message,
        PushOutcome.Retryable r => r.Reason,
        PushOutcome.Crashed c => c.Reason,
        _ => "",
    };

    public static bool RefusedCredentials(PushOutcome outcome) => outcome is PushOutcome.Rejected { Status: 401 or 403 };

    /// <summary>The reason a loss report gives for entries lost to <paramref name="outcome"/>.</summary>
    public static string LossReason(PushOutcome outcome) => outcome switch
    {
        PushOutcome.Rejected r => $"rejected by Loki (HTTP {r.Status}, not retried): {r.Message}",
        PushOutcome.Blocked b => $"dropped: Loki's ingestion is blocked for this tenant (HTTP 260): {b.Message}",
        PushOutcome.TooLarge => "rejected: a proxy in front of Loki refused even a single entry as too large (HTTP 413)",
        PushOutcome.Crashed c => $"dropped: the push failed inside the extension, {PushSettlement.CrashRetries + 1} times in a row ({c.Reason})",
        _ => $"lost: {Answer(outcome)}",
    };

    /// <summary>What the extension tells when <paramref name="outcome"/> loses or holds back <paramref name="entries"/>.</summary>
    public static string Told(PushOutcome outcome, int entries, string target) => outcome switch
    {
        _ when RefusedCredentials(outcome) && outcome is PushOutcome.Rejected r =>
            $"Loki at {target} refused the credentials (HTTP {r.Status}: {r.Message}); {entries} entries not sent, not retried. " +
            $"Check {CredentialVariables} (loki-lambda-extension --check tests them)",
        PushOutcome.Rejected r => $"Loki at {target} rejected a push of {entries} entries (HTTP {r.Status}, not retried; a 400 stores the valid entries): {r.Message}",
        PushOutcome.Blocked b => $"Loki's ingestion is blocked for this tenant (HTTP 260); {entries} entries dropped: {b.Message}",
        PushOutcome.Retryable { Redirect: { } redirect } =>
            $"configuration error: Loki at {target} answers HTTP {redirect.Status}, redirecting to {redirect.Location}; redirects are never followed " +
            $"(the credentials and the lines would go to another address): set {ConfigValues.Names.PushUri} to where Loki answers. " +
            $"{entries} entries are kept and retried with backoff, without holding invocations; said once until Loki answers",
        PushOutcome.Retryable r => $"push to {target} failed ({r.Reason}); entries are kept and retried with backoff, without holding invocations; " +
                                   "said once until Loki answers again",
        PushOutcome.Crashed c => $"a push of {entries} entries failed inside the extension ({c.Reason}); retried {PushSettlement.CrashRetries} times, then counted lost",
        _ => $"push of {entries} entries: {Answer(outcome)}",
    };

    /// <summary><c>--check</c>'s exit code and verdict for the answer to its one-entry push.</summary>
    public static (int Code, string Verdict) Check(PushOutcome outcome, int? status, string target) => outcome switch
    {
        PushOutcome.Delivered => (0, "OK: Loki stored the test entry"),
        _ when RefusedCredentials(outcome) => (1, $"FAILED: Loki at {target} refused the credentials (check {CredentialVariables})"),
        PushOutcome.Rejected => (1, $"FAILED: Loki at {target} refused the payload"),
        PushOutcome.Blocked => (1, $"FAILED: Loki at {target} accepted the request but its ingestion is blocked for this tenant"),
        PushOutcome.TooLarge => (1, $"FAILED: a proxy in front of {target} refused a one-entry request as too large"),
        PushOutcome.Crashed => (1, $"FAILED: the push to {target} failed inside the extension: {Answer(outcome)}"),
        PushOutcome.Retryable { Redirect: { } redirect } => (1, $"FAILED: {target} answers HTTP {redirect.Status}, redirecting to {redirect.Location}; " +
            $"redirects are never followed (the credentials would go with them): set {ConfigValues.Names.PushUri} to where Loki answers"),
        _ when status is null => (1, $"FAILED: Loki at {target} is unreachable"),
        _ => (1, $"FAILED: Loki at {target} answered with an error; the extension would retry"),
    };
}
