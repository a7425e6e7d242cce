using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>What the extension reads from AWS, as configured: the function role's credentials (for the archive and
/// the secrets) and the variables given as references to secrets.</summary>
/// <param name="Credentials">Where credentials come from; None when the environment names no source.</param>
/// <param name="References">The variables whose values are kept in Secrets Manager or Parameter Store.</param>
/// <param name="Auth">The authentication variables as given (references in place of the values they name).</param>
public sealed record AccessSettings(Option<CredentialSource> Credentials, Seq<SecretReference> References, LokiAuth Auth)
{
    public static AccessSettings None { get; } = new(Prelude.None, Seq<SecretReference>(), new LokiAuth("", "", "", "", ""));

    /// <summary>The variables that may be given as references: those that hold Loki's secrets.</summary>
    public static IReadOnlyList<string> ReferableVariables { get; } =
        [ConfigValues.Names.AuthToken, ConfigValues.Names.Password, ConfigValues.Names.ExtraHeaders];

    public bool ReadsSecrets => !References.IsEmpty;

    /// <summary>Credentials that an endpoint gives and renews (SnapStart), rather than keys fixed in the environment.</summary>
    public bool RenewsCredentials => Credentials.Case is CredentialSource.ContainerEndpoint;

    /// <summary>The references among the authentication variables (a problem for each that names nothing), read from
    /// <paramref name="env"/> (for the services' endpoint overrides).</summary>
    public static Seq<SecretReference> ReadReferences(LokiAuth auth, Func<string, string> env, List<string> problems)
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
