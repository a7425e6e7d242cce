using System.Text.Json;

namespace LokiLambdaExtension.Core.Access;

/// <summary>What AWS's error answers say, in one line (its status, code and message: never a header or a credential),
/// and which of them refuse the credentials rather than the request.</summary>
public static class AwsErrors
{
    /// <summary>Codes that say the credentials themselves are no good (expired, unknown), across S3's XML and the JSON
    /// services: new credentials may help where nothing else does.</summary>
    private static readonly HashSet<string> CredentialCodes =
    [
        "ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId", "InvalidClientTokenId", "InvalidToken", "UnrecognizedClientException",
        "TokenRefreshRequired",
    ];

    /// <summary>A 403, or a code that refuses the credentials (S3 answers an expired token with 400).</summary>
    public static bool RefusesCredentials(int? status, string? code) => status == 403 || (code is not null && CredentialCodes.Contains(code));

    public static string Describe(int status, string code, string message) =>
        $"HTTP {status}" + (code.Length > 0 ? $" {code}" : "") + (message.Length > 0 ? $": {Configuration.EnvironmentValues.Shorten(message)}" : "");

    /// <summary>The code and message of an AWS JSON error (<c>{"__type": "prefix#Code", "message"|"Message": …}</c>).</summary>
    public static (string Code, string Message) OfJson(ReadOnlySpan<byte> body)
    {
        try
        {
            string type = JsonFields.Text(body, "__type") ?? JsonFields.Text(body, "code") ?? "";
            return (type[(type.LastIndexOf('#') + 1)..], JsonFields.Text(body, "message") ?? JsonFields.Text(body, "Message") ?? "");
        }
        catch (JsonException)
        {
            return ("", "");
        }
    }
}
