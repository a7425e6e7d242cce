using LanguageExt;

namespace LokiLambdaExtension.Shell.Aws;

/// <summary>For <c>--check</c> and <c>replay</c>, which run once: the function role's credentials (the environment's, or
/// the endpoint's, asked once) and Loki's headers (each referenced secret read once), read with the core's readers and
/// said line by line: which source and which reference resolved, never what they hold.</summary>
internal static class AwsAccessOnce
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The credentials (null when there are none, or they could not be read) and the headers (null when a
    /// secret could not be read).</summary>
    public static async Task<(AwsCredentials? Credentials, Seq<HttpHeader>? Headers)> ResolveAsync(ExtensionConfig config, Action<string> say)
    {
        AccessSettings access = config.Access ?? AccessSettings.None;
        using var fetcher = new AwsFetcher();
        AwsCredentials? credentials = access.KeysInEnvironment;
        if (access.CredentialsEndpoint is { } endpoint)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var (status, body, transportProblem) = await fetcher.CredentialsAsync(endpoint.Endpoint, endpoint.Authorization, timeout.Token);
            (credentials, string? problem) = transportProblem is { } transport
                ? (null, transport)
                : AwsCredentials.FromEndpoint(status ?? 0, body, ShellClock.NowMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            say(credentials is null ? $"credentials: FAILED to read them from {endpoint.Shown} ({problem})" : $"credentials: read from {endpoint.Shown}");
        }
        if (!access.ReadsSecrets)
        {
            return (credentials, config.Headers);
        }
        if (credentials is null)
        {
            say("secrets: not read, there are no credentials to read them with");
            return (null, null);
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (SecretReference reference in access.References)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var (status, body, transportProblem) = await fetcher.SecretAsync(reference, credentials, timeout.Token);
            var (value, problem, _) = transportProblem is { } transport ? (null, transport, false) : reference.Read(status ?? 0, body);
            say(value is null ? $"secret {reference}: FAILED ({problem})" : $"secret {reference}: resolved ({value.Length} characters, not shown)");
            if (value is not null)
            {
                values[reference.Variable] = value;
            }
        }
        if (values.Count < access.References.Count)
        {
            return (credentials, null);
        }
        var problems = new List<string>();
        Seq<HttpHeader> headers = access.HeadersWith(values, problems);
        foreach (string problem in problems)
        {
            say($"problem in a secret read from AWS: {problem}");
        }
        return (credentials, headers);
    }
}
