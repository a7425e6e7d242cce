using System.Text.Json;

namespace LokiLambdaExtension.Core.Access;

/// <summary>What a request to AWS is signed with: the function role's keys, as Lambda gives them.</summary>
/// <param name="ExpiresAtMs">When they stop working, on the core's clock; null when nobody said (keys from the
/// environment, which live as long as the process).</param>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, long? ExpiresAtMs = null)
{
    /// <summary>Never the secret: a record's generated text would print it.</summary>
    public override string ToString() => $"AwsCredentials({AccessKeyId}, secret hidden, {(SessionToken is null ? "no session token" : "session token hidden")})";

    /// <summary>Whether they are known to have stopped working at <paramref name="nowMs"/>.</summary>
    public bool ExpiredAt(long nowMs) => ExpiresAtMs is long expires && nowMs >= expires;

    /// <summary>The container credentials endpoint's answer (<c>{"AccessKeyId", "SecretAccessKey", "Token",
    /// "Expiration"}</c>, the shape ECS and Lambda's SnapStart share), read. The expiration, a wall time, is moved onto the
    /// core's clock by the wall time at which the answer came (<paramref name="wallMs"/>, read at <paramref name="nowMs"/>):
    /// after a SnapStart restore the two clocks no longer agree. A problem never quotes the body (it holds the secret).</summary>
    public static (AwsCredentials? Credentials, string? Problem) FromEndpoint(int status, ReadOnlySpan<byte> body, long nowMs, long wallMs)
    {
        if (status is < 200 or >= 300)
        {
            return (null, $"HTTP {status}" + (status == 404 ? " (the authorization token was not accepted)" : ""));
        }
        try
        {
            string? key = JsonFields.Text(body, "AccessKeyId"), secret = JsonFields.Text(body, "SecretAccessKey"), token = JsonFields.Text(body, "Token");
            if (key is not { Length: > 0 } || secret is not { Length: > 0 })
            {
                return (null, "an answer without AccessKeyId and SecretAccessKey");
            }
            long? expires = null;
            if (JsonFields.Text(body, "Expiration") is { } expiration)
            {
                // The telemetry's ISO 8601 reader: the endpoint writes RFC 3339 times, as the platform's records do.
                if (!Telemetry.Iso8601.TryParseUnixNanos(System.Text.Encoding.UTF8.GetBytes(expiration), out long atNanos))
                {
                    return (null, $"an Expiration that is no time ('{Configuration.EnvironmentValues.Shorten(expiration)}')");
                }
                expires = nowMs + (atNanos / 1_000_000 - wallMs);
            }
            return (new AwsCredentials(key, secret, token is { Length: > 0 } ? token : null, expires), null);
        }
        catch (JsonException)
        {
            return (null, "an answer that is not JSON");
        }
    }
}
