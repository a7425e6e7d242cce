using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>What is being fetched from AWS now, if anything.</summary>
internal enum AccessFetch
{
    Nothing,
    Credentials,
    Secrets,
}

/// <summary>Where the extension stands with AWS: the credentials it signs with, Loki's headers built from the secrets
/// read, what is being fetched, backoff after a failure.</summary>
/// <param name="Credentials">The endpoint's credentials, when fetched (<see cref="AwsAccess.Signing"/> says what is signed with).</param>
/// <param name="CredentialsAtMs">When they were fetched (the refresh falls between this and their expiry).</param>
/// <param name="CredentialsStale">Not to be signed with again: a SnapStart restore gave the environment new ones, or AWS
/// refused these.</param>
/// <param name="LokiHeaders">The pushes' headers; None until every referenced secret has been read once.</param>
/// <param name="SecretsStale">To be read again (a restore, or Loki refused the headers built from them).</param>
/// <param name="AwaitingReread">Loki refused the headers (401/403): pushes wait until the secrets are read again.</param>
/// <param name="RereadForRefusal">The secrets were read again for a refusal and no push was stored since: another
/// refusal is Loki's answer, not a rotation.</param>
/// <param name="RefusedKey">The access key AWS refused and for which new credentials were asked once.</param>
/// <param name="FailureTold">A failure was told and nothing was read since: the next is not told, the recovery is.</param>
internal sealed record AccessState(
    Option<AwsCredentials> Credentials,
    long CredentialsAtMs,
    bool CredentialsStale,
    Option<Seq<Wire.HttpHeader>> LokiHeaders,
    bool SecretsStale,
    bool AwaitingReread,
    bool RereadForRefusal,
    Option<string> RefusedKey,
    AccessFetch Fetching,
    long RetryAtMs,
    int Attempt,
    bool FailureTold)
{
    /// <summary>No credentials from the endpoint yet (the environment's keys are configuration, not state); the
    /// configuration's headers, or none until the secrets are read.</summary>
    public static AccessState For(AccessSettings settings, Seq<Wire.HttpHeader> headers) => new(None, 0, false,
        settings.ReadsSecrets ? None : Some(headers), false, false, false, None, AccessFetch.Nothing, 0, 0, false);

    public static AccessState Start { get; } = For(AccessSettings.None, Seq<Wire.HttpHeader>());

    public bool IsFetching => Fetching != AccessFetch.Nothing;

    /// <summary>Whether a push can go out: its headers are known and not refused.</summary>
    public bool LokiReady => LokiHeaders.IsSome && !AwaitingReread;
}
