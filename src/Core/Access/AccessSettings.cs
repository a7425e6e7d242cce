using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>What the extension reads from AWS, as configured: the function role's credentials (for the archive and
/// the secrets) and the variables given as references to secrets.</summary>
public sealed record AccessSettings
{
    /// <param name="Credentials">Where credentials come from; None when the environment names no source.</param>
    /// <param name="References">The variables whose values are kept in Secrets Manager or Parameter Store.</param>
    /// <param name="Auth">The authentication variables as given (references in place of the values they name).</param>
    internal AccessSettings(Option<CredentialSource> Credentials, Seq<SecretReference> References, LokiAuth Auth)
    {
        this.Credentials = Credentials;
        this.References = References;
        this.Auth = Auth;
    }

    internal Option<CredentialSource> Credentials { get; init; }

    public Seq<SecretReference> References { get; internal init; }

    internal LokiAuth Auth { get; init; }

    public static AccessSettings None { get; } = new(Prelude.None, Seq<SecretReference>(), new LokiAuth("", "", "", "", ""));

    /// <summary>The variables that may be given as references: those that hold Loki's secrets.</summary>
    internal static IReadOnlyList<string> ReferableVariables { get; } =
        [ConfigValues.Names.AuthToken, ConfigValues.Names.Password, ConfigValues.Names.ExtraHeaders];

    public bool ReadsSecrets => !References.IsEmpty;

    /// <summary>Credentials that an endpoint gives and renews (SnapStart), rather than keys fixed in the environment.</summary>
    public bool RenewsCredentials => Credentials.Case is CredentialSource.ContainerEndpoint;

    /// <summary>The keys the environment gives, when it gives them.</summary>
    public AwsCredentials? KeysInEnvironment => Credentials.Case is CredentialSource.EnvironmentKeys keys ? keys.Keys : null;

    /// <summary>The credentials endpoint to ask, with its token (a secret, never printed), when it is the source; and
    /// how it may be named in a message.</summary>
    public (Uri Endpoint, string Authorization, string Shown)? CredentialsEndpoint =>
        Credentials.Case is CredentialSource.ContainerEndpoint endpoint ? (endpoint.Endpoint, endpoint.Authorization, endpoint.ToString()) : null;

    /// <summary>Loki's headers once the referenced secrets are read (<paramref name="secretValues"/>, by variable), with a
    /// problem for each that is unusable.</summary>
    public Seq<HttpHeader> HeadersWith(IReadOnlyDictionary<string, string> secretValues, List<string> problems) =>
        LokiHeaders.Build(Auth.With(secretValues), problems);

    /// <summary>The references among the authentication variables (a problem for each that names nothing), read from
    /// <paramref name="env"/> (for the services' endpoint overrides).</summary>
    internal static Seq<SecretReference> ReadReferences(LokiAuth auth, Func<string, string> env, List<string> problems)
    {
        var references = new List<SecretReference>();
        foreach (var (variable, value) in new[] { (ConfigValues.Names.AuthToken, auth.AuthToken), (ConfigValues.Names.Password, auth.Password),
                     (ConfigValues.Names.ExtraHeaders, auth.ExtraHeaders) })
        {
            if (SecretReference.Looks(value))
            {
                SecretReference.Parse(variable, value, env).Match(references.Add, problems.Add);
            }
        }
        return toSeq(references.ToArray());
    }
}
