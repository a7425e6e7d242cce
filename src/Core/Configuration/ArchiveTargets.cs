using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The archive's settings from its variables, when the environment gives credentials to sign with.</summary>
internal static class ArchiveTargets
{
    public const string RegionVariable = "AWS_REGION";

    public static Option<ArchiveTarget> Read(ConfigValues values, EnvironmentValues env, Option<CredentialSource> credentials, string serviceName,
        List<string> problems)
    {
        if (values.ArchiveS3.Case is not ArchiveLocation location)
        {
            return None;
        }
        if (env.Get(ConfigValues.Names.ArchiveEndpoint).Length > 0 && values.ArchiveEndpoint.IsNone)
        {
            return None; // its problem is told already
        }
        if (credentials.IsNone)
        {
            // Not the archive's variable that is wrong: Lambda always gives extensions the role's credentials.
            problems.Add($"the S3 archive is off: no AWS credentials in the environment ({CredentialSource.AccessKeyVariable} and " +
                         $"{CredentialSource.SecretKeyVariable}, or {CredentialSource.EndpointVariable}; Lambda gives extensions the function " +
                         "role's credentials; outside Lambda, set them)");
            return None;
        }
        string region = env.Get(RegionVariable);
        if (region.Length == 0)
        {
            problems.Add($"{RegionVariable} is not set: the archive signs for {ArchiveTarget.DefaultRegion}");
            region = ArchiveTarget.DefaultRegion;
        }
        return new ArchiveTarget(location, values.ArchiveMode, values.ArchiveEndpoint, region, serviceName);
    }
}
