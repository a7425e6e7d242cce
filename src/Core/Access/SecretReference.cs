using System.Text;
using System.Text.Json;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Core.Access;

/// <summary>The AWS services a secret can be kept in.</summary>
internal enum SecretStore
{
    /// <summary>Secrets Manager, <c>GetSecretValue</c>.</summary>
    SecretsManager,

    /// <summary>Systems Manager Parameter Store, <c>GetParameter</c> with decryption.</summary>
    ParameterStore,
}

/// <summary>A variable whose value is kept in AWS rather than given: a Secrets Manager ARN (as ECS reads one:
/// <c>arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]]</c>, the key selecting
/// one field of a JSON secret) or a Parameter Store ARN (<c>arn:aws:ssm:REGION:ACCOUNT:parameter/NAME</c>, decrypted).
/// The reference is no secret and names itself in every message; the value it reads is, and is never printed.</summary>
public sealed record SecretReference
{
    /// <param name="Variable">The variable that gave it.</param>
    /// <param name="Arn">The resource's ARN (without the ECS suffixes).</param>
    /// <param name="Endpoint">Where the service is asked: the ARN's region, or <c>AWS_ENDPOINT_URL_*</c>.</param>
    internal SecretReference(string Variable, SecretStore Store, string Arn, string Region, Uri Endpoint, string? JsonKey = null,
        string? VersionStage = null, string? VersionId = null)
    {
        this.Variable = Variable;
        this.Store = Store;
        this.Arn = Arn;
        this.Region = Region;
        this.Endpoint = Endpoint;
        this.JsonKey = JsonKey;
        this.VersionStage = VersionStage;
        this.VersionId = VersionId;
    }

    public string Variable { get; internal init; }

    internal SecretStore Store { get; init; }

    internal string Arn { get; init; }

    public string Region { get; internal init; }

    public Uri Endpoint { get; internal init; }

    internal string? JsonKey { get; init; }

    internal string? VersionStage { get; init; }

    internal string? VersionId { get; init; }

    /// <summary>What messages name: the variable and the reference, never a value.</summary>
    public override string ToString() => $"{Variable} ({Arn}{(JsonKey is null ? "" : $", key '{JsonKey}'")})";

    /// <summary>The SigV4 service name and the <c>X-Amz-Target</c> of the call.</summary>
    public (string Service, string Target) Call => Store == SecretStore.SecretsManager
        ? ("secretsmanager", "secretsmanager.GetSecretValue")
        : ("ssm", "AmazonSSM.GetParameter");

    /// <summary>The call's JSON body (AWS JSON 1.1).</summary>
    public byte[] RequestBody()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            if (Store == SecretStore.SecretsManager)
            {
                json.WriteString("SecretId", Arn);
                if (VersionStage is { Length: > 0 })
                {
                    json.WriteString("VersionStage", VersionStage);
                }
                if (VersionId is { Length: > 0 })
                {
                    json.WriteString("VersionId", VersionId);
                }
            }
            else
            {
                json.WriteString("Name", Arn);
                json.WriteBoolean("WithDecryption", true);
            }
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Whether <paramref name="value"/> is a reference rather than a value (an ARN of either service).</summary>
    public static bool Looks(string value) => value.StartsWith("arn:", StringComparison.Ordinal)
        && value.Split(':') is [_, _, "secretsmanager" or "ssm", ..];

    /// <summary>The reference <paramref name="value"/> of <paramref name="variable"/> spells, or why it is none.</summary>
    public static Either<string, SecretReference> Parse(string variable, string value, Func<string, string> env)
    {
        string[] parts = value.Split(':');
        string partition = parts[1];
        string suffix = partition switch { "aws-cn" => "amazonaws.com.cn", _ => "amazonaws.com" };
        if (parts is [_, _, "secretsmanager", var region, var account, "secret", var name, .. var rest] && Valid(region, account) && name.Length > 0
            && rest.Length <= 3)
        {
            string arn = string.Join(':', parts[..7]);
            Uri endpoint = EndpointOverride(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER") ?? new Uri($"https://secretsmanager.{region}.{suffix}/");
            return new SecretReference(variable, SecretStore.SecretsManager, arn, region, endpoint, Part(rest, 0), Part(rest, 1), Part(rest, 2));
        }
        if (parts is [_, _, "ssm", var ssmRegion, var ssmAccount, var resource] && Valid(ssmRegion, ssmAccount)
            && resource.StartsWith("parameter/", StringComparison.Ordinal) && resource.Length > "parameter/".Length)
        {
            Uri endpoint = EndpointOverride(env, "AWS_ENDPOINT_URL_SSM") ?? new Uri($"https://ssm.{ssmRegion}.{suffix}/");
            return new SecretReference(variable, SecretStore.ParameterStore, value, ssmRegion, endpoint);
        }
        return $"{variable}='{Configuration.EnvironmentValues.Shorten(value)}' looks like an ARN but names no secret: give " +
               "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:JSON_KEY] or arn:aws:ssm:REGION:ACCOUNT:parameter/NAME";
    }

    /// <summary>The service's answer read: the value, or a problem (never quoting the value), and whether the problem says
    /// the credentials were refused (expired, unknown: worth asking for new ones once).</summary>
    public (string? Value, string? Problem, bool CredentialsRefused) Read(int status, ReadOnlySpan<byte> body)
    {
        try
        {
            if (status is < 200 or >= 300)
            {
                var (code, message) = AwsErrors.OfJson(body);
                return (null, AwsErrors.Describe(status, code, message), AwsErrors.RefusesCredentials(status, code));
            }
            string? text = Store == SecretStore.SecretsManager
                ? JsonFields.Text(body, "SecretString")
                    ?? (JsonFields.Text(body, "SecretBinary") is { } binary ? Encoding.UTF8.GetString(Convert.FromBase64String(binary)) : null)
                : JsonFields.Text(body, "Parameter", "Value");
            if (text is null)
            {
                return (null, "an answer without a value", false);
            }
            // Trimmed as a variable's value is: a secret pasted with its newline would otherwise be no header value.
            return JsonKey is null ? (text.Trim(), null, false) : Select(text);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return (null, "an answer that is not the service's JSON", false);
        }
    }

    /// <summary>The field of a JSON secret the key selects: a string as it is, a number or boolean as written.</summary>
    private (string? Value, string? Problem, bool CredentialsRefused) Select(string secret)
    {
        try
        {
            byte[] json = Encoding.UTF8.GetBytes(secret);
            if (!json.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8))
            {
                return (null, $"the secret is not a JSON object, so key '{JsonKey}' cannot be read", false);
            }
            return JsonFields.Field(json, JsonKey!) switch
            {
                (JsonTokenType.None, _) => (null, $"the secret has no key '{JsonKey}'", false),
                (_, string value) => (value.Trim(), null, false),
                _ => (null, $"the secret's key '{JsonKey}' holds no text", false),
            };
        }
        catch (JsonException)
        {
            return (null, $"the secret is not a JSON object, so key '{JsonKey}' cannot be read", false);
        }
    }

    private static bool Valid(string region, string account) =>
        region.Length > 0 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && account.All(char.IsAsciiDigit);

    private static string? Part(string[] rest, int index) => index < rest.Length && rest[index].Length > 0 ? rest[index] : null;

    /// <summary>AWS's SDKs' endpoint override (<c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>): for
    /// LocalStack and tests. An http(s) URL without credentials, else ignored.</summary>
    private static Uri? EndpointOverride(Func<string, string> env, string variable)
    {
        string text = env(variable) is { Length: > 0 } specific ? specific : env("AWS_ENDPOINT_URL");
        return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0 ? uri : null;
    }
}
