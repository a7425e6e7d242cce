using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Configuration;

/// <summary>The archive's settings from its variables and the credentials Lambda gives the extension.</summary>
internal static class ArchiveTargets
{
    public const string AccessKeyVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";
    public const string RegionVariable = "AWS_REGION";

    public static Option<ArchiveTarget> Read(ConfigValues values, EnvironmentValues env, string serviceName, List<string> problems)
    {
        if (values.ArchiveS3.Case is not ArchiveLocation location)
        {
            return None;
        }
        if (env.Get(ConfigValues.Names.ArchiveEndpoint).Length > 0 && values.ArchiveEndpoint.IsNone)
        {
            return None; // its problem is told already
        }
        string accessKey = env.Get(AccessKeyVariable);
        string secretKey = env.Get(SecretKeyVariable);
        if (accessKey.Length == 0 || secretKey.Length == 0)
        {
            // Not the archive's variable that is wrong: Lambda always gives extensions the role's credentials.
            problems.Add($"the S3 archive is off: {(accessKey.Length == 0 ? AccessKeyVariable : SecretKeyVariable)} is not set " +
                         "(Lambda gives extensions the function role's credentials; outside Lambda, set them)");
            return None;
        }
        string region = env.Get(RegionVariable);
        if (region.Length == 0)
        {
            problems.Add($"{RegionVariable} is not set: the archive signs for {ArchiveTarget.DefaultRegion}");
            region = ArchiveTarget.DefaultRegion;
        }
        string token = env.Get(SessionTokenVariable);
        return new ArchiveTarget(location, values.ArchiveMode, values.ArchiveEndpoint, region,
            new AwsCredentials(accessKey, secretKey, token.Length > 0 ? token : null), serviceName);
    }
}
