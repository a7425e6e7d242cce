using System.Net;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>Where the function role's credentials come from, in the order AWS's SDKs look: keys in the environment
/// (what Lambda gives on-demand, provisioned and Managed Instances environments), else the container credentials
/// endpoint (what it gives an environment initialised for SnapStart instead: <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>
/// with <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c>, answering credentials that expire and that a restore renews).</summary>
internal abstract record CredentialSource
{
    private protected CredentialSource() { }

    public const string AccessKeyVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";
    public const string EndpointVariable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string AuthorizationVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

    /// <summary>Keys that live as long as the process: nothing to refresh.</summary>
    public sealed record EnvironmentKeys(AwsCredentials Keys) : CredentialSource
    {
        public override string ToString() => $"{AccessKeyVariable} and {SecretKeyVariable}";
    }

    /// <summary>An endpoint to ask, with a token that is itself a secret (never printed).</summary>
    public sealed record ContainerEndpoint(Uri Endpoint, string Authorization) : CredentialSource
    {
        public override string ToString() => $"{EndpointVariable} ({Configuration.Redaction.Url(Endpoint.ToString())})";
    }

    /// <summary>The source the environment names, if any; a named one that cannot be used is a problem. The endpoint is
    /// taken only where AWS's SDKs take it: https anywhere, plain http on the loopback or the container link-local
    /// addresses only, since its token would travel in the clear.</summary>
    public static Option<CredentialSource> Read(Func<string, string> env, List<string> problems)
    {
        string key = env(AccessKeyVariable), secret = env(SecretKeyVariable), token = env(SessionTokenVariable);
        if (key.Length > 0 && secret.Length > 0)
        {
            return new EnvironmentKeys(new AwsCredentials(key, secret, token.Length > 0 ? token : null));
        }
        if (key.Length > 0 != secret.Length > 0)
        {
            problems.Add($"{(key.Length == 0 ? AccessKeyVariable : SecretKeyVariable)} is not set beside {(key.Length > 0 ? AccessKeyVariable : SecretKeyVariable)}: " +
                         "AWS keys come in pairs (Lambda gives both)");
        }
        string uri = env(EndpointVariable);
        if (uri.Length == 0)
        {
            return None;
        }
        if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? endpoint) || endpoint.UserInfo.Length > 0
            || !(endpoint.Scheme == "https" || (endpoint.Scheme == "http" && IsLocal(endpoint))))
        {
            problems.Add($"{EndpointVariable}='{Configuration.Redaction.Url(uri)}' is not an https URL, nor http on the loopback or " +
                         "169.254.170.2/23: its token would travel in the clear, so it is not asked");
            return None;
        }
        return new ContainerEndpoint(endpoint, env(AuthorizationVariable));
    }

    private static bool IsLocal(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.DnsSafeHost, out IPAddress? address)
            && (IPAddress.IsLoopback(address) || address.ToString() is "169.254.170.2" or "169.254.170.23" or "fd00:ec2::23"));
}
