using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Ask the container credentials endpoint for the function role's credentials (GET with the token as
/// <c>Authorization</c>, no redirect followed); give up at <paramref name="NotAfterMs"/>.</summary>
internal sealed record CredentialsFetchStarted(CredentialSource.ContainerEndpoint Source, long NotAfterMs) : Decision
{
    public override void Perform(IEffects effects) => effects.FetchCredentials(Source.Endpoint, Source.Authorization, NotAfterMs);
}

/// <summary>Read every referenced secret, signed with <paramref name="SignWith"/>; give up at <paramref name="NotAfterMs"/>.</summary>
internal sealed record SecretsFetchStarted(Seq<SecretReference> References, AwsCredentials SignWith, long NotAfterMs) : Decision
{
    public override void Perform(IEffects effects) => effects.FetchSecrets(References, SignWith, NotAfterMs);
}

/// <summary>The endpoint answered (<paramref name="Status"/> and <paramref name="Body"/>, read at wall time
/// <paramref name="WallMs"/>), or <paramref name="TransportProblem"/> says why not.</summary>
internal sealed record CredentialsFetched(long NowMs, long WallMs, int? Status, byte[] Body, string? TransportProblem, double Jitter) : Observation(NowMs)
{
    /// <summary>Never the body: it holds the credentials.</summary>
    public override string ToString() => $"CredentialsFetched({Status}, {TransportProblem})";
}

/// <summary>Each reference's answer, in the order asked.</summary>
internal sealed record SecretsFetched(long NowMs, Seq<SecretAnswer> Answers, double Jitter) : Observation(NowMs);

/// <summary>What the service answered for one reference (status and body), or why nothing came.</summary>
internal sealed record SecretAnswer(SecretReference Reference, int? Status, byte[] Body, string? TransportProblem)
{
    /// <summary>Never the body: it holds the secret.</summary>
    public override string ToString() => $"SecretAnswer({Reference}, {Status}, {TransportProblem})";
}
