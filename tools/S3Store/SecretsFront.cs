using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LokiLambdaExtension.Tools.S3Store;

/// <summary>Secrets Manager and Parameter Store behind one endpoint, as strict as AWS about SigV4
/// (tools/node/secrets-front.js), with values and faults set by the test.</summary>
public sealed class SecretsFront : NodeFront
{
    private SecretsFront(Process process, Uri endpoint) : base(process, endpoint)
    {
    }

    public static async Task<SecretsFront> StartAsync()
    {
        var (process, endpoint) = await StartAsync("secrets-front.js");
        return new SecretsFront(process, endpoint);
    }

    /// <summary>The environment that points the extension's reads at this front (AWS's SDKs' endpoint overrides).</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = Endpoint.ToString(),
        ["AWS_ENDPOINT_URL_SSM"] = Endpoint.ToString(),
    };

    public static string SecretArn(string name) => $"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{name}-AbCdEf";

    public static string ParameterArn(string name) => $"arn:aws:ssm:eu-west-1:123456789012:parameter/{name}";

    /// <summary>Sets the value of a secret or parameter, by ARN (a new value is a rotation).</summary>
    public Task SetAsync(string arn, string value) => PostControlAsync("/__values", JsonSerializer.Serialize(new Dictionary<string, string> { [arn] = value }));

    /// <summary>The next <paramref name="count"/> calls for <paramref name="arn"/> ("*": any) fail with AWS's
    /// <paramref name="code"/> (-1: all of them).</summary>
    public Task FaultAsync(string arn, string code, int count, int status = 400) =>
        PostControlAsync("/__faults", JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = arn, ["code"] = code, ["count"] = count, ["status"] = status }));

    public async Task<SecretsStats> StatsAsync() => (await Control.GetFromJsonAsync<SecretsStats>(new Uri(Endpoint, "/__stats")))!;
}

/// <summary>Calls by target, refused ones (with their codes), answered and faulted ones, and whether the last
/// GetParameter asked for decryption.</summary>
public sealed record SecretsStats(Dictionary<string, int> Calls, int Refused, int Answered, int Faulted, List<string> Refusals, bool? Decrypted);
