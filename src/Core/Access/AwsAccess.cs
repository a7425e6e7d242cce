using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>The function role's credentials and Loki's secrets, under the rules pushes follow: fetched only where a push
/// could run (init, an invocation's flush window, SHUTDOWN, a never-frozen instance's wait), each fetch within that
/// window, and <c>/event/next</c> held for one under way as for a push (the endpoint blocks while a snapshot is taken,
/// and a read cut by a freeze would come back stale). Credentials from the endpoint are fetched before they are needed,
/// again before they expire, after a SnapStart restore, and once after AWS refuses them; nothing is ever signed with
/// credentials known to have expired. Secrets are read at init, again after a restore, and once after Loki refuses
/// the headers built from them (a rotation): pushes wait for that read, then go out with the new headers.</summary>
internal static class AwsAccess
{
    /// <summary>Credentials are renewed this long before they expire, or halfway through their life when that is shorter.</summary>
    internal const long RefreshMarginMs = 5 * 60_000;

    /// <summary>Credentials are never asked for again sooner than this after the last answer (an endpoint giving
    /// credentials that expire at once would be asked without end).</summary>
    internal const long MinRefreshIntervalMs = 1000;

    /// <summary>At init, the longest read: init has 10 s in all, and a read that hangs must not take them.</summary>
    internal const long InitFetchMs = 2000;

    private static bool NeedsCredentials(LifecycleSettings settings) => settings.Archive.IsSome || settings.Access.ReadsSecrets;

    /// <summary>What a request to AWS may be signed with now: the environment's keys, or the endpoint's credentials when
    /// they are known, not stale and not expired.</summary>
    public static Option<AwsCredentials> Signing(LifecycleSettings settings, ExtensionState state) => settings.Access.Credentials.Case switch
    {
        CredentialSource.EnvironmentKeys keys => keys.Keys,
        CredentialSource.ContainerEndpoint when !state.Access.CredentialsStale => state.Access.Credentials.Filter(c => !c.ExpiredAt(state.NowMs)),
        _ => None,
    };

    /// <summary>Whether the credentials are due for renewal: none yet, stale, or near their expiry.</summary>
    internal static bool CredentialsDue(LifecycleSettings settings, ExtensionState state)
    {
        AccessState access = state.Access;
        if (!settings.Access.RenewsCredentials || !NeedsCredentials(settings))
        {
            return false;
        }
        if (access.Credentials.Case is not AwsCredentials credentials || access.CredentialsStale)
        {
            return true;
        }
        return credentials.ExpiresAtMs is long expires && state.NowMs >= access.CredentialsAtMs + MinRefreshIntervalMs
            && state.NowMs >= expires - Math.Min(RefreshMarginMs, (expires - access.CredentialsAtMs) / 2);
    }

    private static bool SecretsDue(LifecycleSettings settings, ExtensionState state) =>
        settings.Access.ReadsSecrets && (state.Access.LokiHeaders.IsNone || state.Access.SecretsStale);

    /// <summary>A fetch, when one is due and the phase allows one now.</summary>
    public static Option<Decision> Decide(LifecycleSettings settings, ExtensionState state)
    {
        AccessState access = state.Access;
        if (access.IsFetching || state.NowMs < access.RetryAtMs || FetchUntil(settings, state).Case is not long until || state.NowMs >= until)
        {
            return None;
        }
        if (CredentialsDue(settings, state) && settings.Access.Credentials.Case is CredentialSource.ContainerEndpoint endpoint)
        {
            return new CredentialsFetchStarted(endpoint, until);
        }
        return SecretsDue(settings, state) && Signing(settings, state).Case is AwsCredentials credentials
            ? new SecretsFetchStarted(settings.Access.References, credentials, until)
            : None;
    }

    /// <summary>Until when a fetch may run now, if one may: as a push would, and at init in any model.</summary>
    private static Option<long> FetchUntil(LifecycleSettings settings, ExtensionState state) => state.Phase switch
    {
        Phase.EndingInit => state.NowMs + InitFetchMs,
        Phase.Invoked invoked => Math.Min(invoked.FlushUntilMs.IfNone(invoked.DeadlineMs - settings.Policy.DeadlineMarginMs),
            state.NowMs + settings.Policy.FlushBudgetMs),
        Phase.AwaitingEvent when settings.Model.NeverFrozen() => state.NowMs + settings.Policy.FlushBudgetMs,
        Phase.ShuttingDown shutdown => DeliveryDecisions.ArchiveUntil(state, shutdown),
        _ => None,
    };

    /// <summary>The state delivery decides on: while Loki's headers are not known (a secret not read yet, or being read
    /// again after a refusal), no push can start, so pushes look held back until the next read may come.</summary>
    public static ExtensionState DeliveryView(ExtensionState state)
    {
        AccessState access = state.Access;
        if (access.LokiReady)
        {
            return state;
        }
        long readyAt = !access.IsFetching && access.RetryAtMs > state.NowMs ? access.RetryAtMs : long.MaxValue / 4;
        return state with { Delivery = state.Delivery with { RetryAtMs = Math.Max(state.Delivery.RetryAtMs, readyAt) } };
    }

    public static ExtensionState Evolve(LifecycleSettings settings, ExtensionState state, Event e) => e switch
    {
        CredentialsFetchStarted => With(state, state.Access with { Fetching = AccessFetch.Credentials }),
        SecretsFetchStarted => With(state, state.Access with { Fetching = AccessFetch.Secrets }),
        CredentialsFetched fetched when state.Access.Fetching == AccessFetch.Credentials => CredentialsRead(settings, state, fetched),
        SecretsFetched fetched when state.Access.Fetching == AccessFetch.Secrets => SecretsRead(settings, state, fetched),
        _ => state,
    };

    /// <summary>A SnapStart restore: the environment has new credentials, and the secrets may have been rotated since the
    /// snapshot. Pushes go on with the headers known while the secrets are read again.</summary>
    public static ExtensionState Restored(LifecycleSettings settings, ExtensionState state) => With(state, state.Access with
    {
        CredentialsStale = state.Access.CredentialsStale || settings.Access.RenewsCredentials,
        SecretsStale = settings.Access.ReadsSecrets,
        RetryAtMs = 0,
    });

    /// <summary>Whether Loki's 401 or 403 is worth a second read of the secrets: they are references, and they were not
    /// read again for a refusal already (or that read is still awaited).</summary>
    public static bool RereadsOnRefusal(LifecycleSettings settings, ExtensionState state) =>
        settings.Access.ReadsSecrets && (!state.Access.RereadForRefusal || state.Access.AwaitingReread);

    /// <summary>Loki refused the headers: read the secrets again before the next push.</summary>
    public static ExtensionState LokiRefused(ExtensionState state) =>
        state.Access.AwaitingReread ? state : With(state, state.Access with { SecretsStale = true, AwaitingReread = true, RereadForRefusal = true, RetryAtMs = 0 })
            .Tell(NoticeLevel.Warn, "Loki refused the credentials read from AWS: reading the secrets again (rotated?) before the next push");

    /// <summary>A push was stored: a later refusal may be a rotation again.</summary>
    public static ExtensionState LokiTook(ExtensionState state) =>
        state.Access.RereadForRefusal ? With(state, state.Access with { RereadForRefusal = false }) : state;

    /// <summary>AWS answered a request signed with <paramref name="signedWith"/>: when it refused those credentials and
    /// they are still the ones held, new ones are asked for, once per key.</summary>
    public static ExtensionState SigningRefused(LifecycleSettings settings, ExtensionState state, AwsCredentials signedWith, int? status, string? code)
    {
        AccessState access = state.Access;
        bool same = access.Credentials.Case is AwsCredentials held && held.AccessKeyId == signedWith.AccessKeyId;
        if (!AwsErrors.RefusesCredentials(status, code) || !settings.Access.RenewsCredentials || !same
            || access.RefusedKey.Case is string refused && refused == signedWith.AccessKeyId)
        {
            return state;
        }
        return With(state, access with { CredentialsStale = true, RefusedKey = signedWith.AccessKeyId, RetryAtMs = 0 })
            .Tell(NoticeLevel.Info, $"AWS refused the credentials ({AwsErrors.Describe(status ?? 0, code ?? "", "")}): asking for new ones");
    }

    private static ExtensionState CredentialsRead(LifecycleSettings settings, ExtensionState state, CredentialsFetched fetched)
    {
        string source = settings.Access.Credentials.Map(s => s.ToString()).IfNone("the environment");
        var (credentials, problem) = fetched.TransportProblem is { } transport
            ? (null, transport)
            : AwsCredentials.FromEndpoint(fetched.Status ?? 0, fetched.Body, state.NowMs, fetched.WallMs);
        if (credentials is not null && credentials.ExpiredAt(state.NowMs))
        {
            (credentials, problem) = (null, "credentials that have expired already");
        }
        if (credentials is null)
        {
            return Failed(settings, state, fetched.Jitter,
                $"cannot read the function role's credentials from {source} ({problem}); the archive and the secrets wait for them; retrying with backoff");
        }
        var access = state.Access with { Credentials = credentials, CredentialsAtMs = state.NowMs, CredentialsStale = false };
        return Succeeded(state, access, $"the function role's credentials are read from {source} again");
    }

    private static ExtensionState SecretsRead(LifecycleSettings settings, ExtensionState state, SecretsFetched fetched)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        bool refused = false;
        foreach (SecretAnswer answer in fetched.Answers)
        {
            var (value, problem, refusesCredentials) = answer.TransportProblem is { } transport
                ? (null, transport, false)
                : answer.Reference.Read(answer.Status ?? 0, answer.Body);
            refused |= refusesCredentials;
            if (value is null)
            {
                problems.Add($"{answer.Reference}: {problem}");
            }
            else
            {
                values[answer.Reference.Variable] = value;
            }
        }
        if (problems.Count > 0 || values.Count < settings.Access.References.Count)
        {
            // Signed with the credentials held: when they were refused, new ones are asked for before the next read.
            state = refused && Signing(settings, state).Case is AwsCredentials held ? SigningRefused(settings, state, held, 403, null) : state;
            return Failed(settings, state, fetched.Jitter, $"cannot read {string.Join("; ", problems)}: nothing is shipped until " +
                "it can be read (the function is unaffected; check the reference and the role's secretsmanager:GetSecretValue, " +
                "ssm:GetParameter, kms:Decrypt); retrying with backoff");
        }
        var headerProblems = new List<string>();
        Seq<Wire.HttpHeader> headers = settings.Access.HeadersWith(values, headerProblems);
        var access = state.Access with { LokiHeaders = headers, SecretsStale = false, AwaitingReread = false };
        state = Succeeded(state, access, "the secrets for Loki are read again");
        foreach (string problem in headerProblems)
        {
            state = state.Tell(NoticeLevel.Error, $"in a secret read from AWS: {problem}");
        }
        return state.Tell(NoticeLevel.Debug, $"read {values.Count} secret(s) for Loki from AWS");
    }

    private static ExtensionState Succeeded(ExtensionState state, AccessState access, string recovery)
    {
        bool told = access.FailureTold;
        state = With(state, access with { Fetching = AccessFetch.Nothing, Attempt = 0, RetryAtMs = 0, FailureTold = false });
        return told ? state.Tell(NoticeLevel.Info, recovery) : state;
    }

    /// <summary>Backoff as for a push; the failure told once until something is read again.</summary>
    private static ExtensionState Failed(LifecycleSettings settings, ExtensionState state, double jitter, string problem)
    {
        AccessState access = state.Access;
        long retryAt = state.NowMs + PushSettlement.Backoff(settings.Policy, access.Attempt, jitter, null);
        state = With(state, access with { Fetching = AccessFetch.Nothing, Attempt = access.Attempt + 1, RetryAtMs = retryAt, FailureTold = true });
        return access.FailureTold ? state : state.Tell(NoticeLevel.Error, problem);
    }

    private static ExtensionState With(ExtensionState state, AccessState access) => state with { Access = access };
}
