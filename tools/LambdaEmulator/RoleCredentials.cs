using System.Globalization;
using System.Security.Cryptography;

namespace LokiLambdaExtension.Tools.LambdaEmulator;

/// <summary>The function role's credentials as Lambda gives them (AWS's RIE, <c>rapidcore/env</c> and
/// <c>core/credentials.go</c>): keys in the environment for on-demand, provisioned and Managed Instances environments;
/// for SnapStart, none there but a container credentials endpoint on the runtime API's address, asked with a token
/// (404 for another), answering credentials with an expiration. The endpoint blocks while the snapshot is taken and
/// restored, and the restore installs new credentials. Credentials here expire after
/// <see cref="SandboxOptions.CredentialsValidFor"/>, and new ones are installed once less than half of that is left
/// (the platform renews ahead of expiry); the strict S3 and secrets fronts take any "ASIA…" key with the secret
/// "secret-of-&lt;key&gt;" and refuse a session token past its <c>expires=</c> time.</summary>
internal sealed class RoleCredentials(TimeSpan validFor)
{
    public const string EndpointPath = "/2021-04-23/credentials";

    private readonly object _gate = new();
    private TaskCompletionSource _open = Opened();
    private Issued _current = Issue(1, validFor);

    /// <summary>What <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> says.</summary>
    public string AuthorizationToken { get; } = "emulated-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private readonly List<string> _handed = [];

    /// <summary>Every access key handed out, in order: what a test checks requests were signed with.</summary>
    public IReadOnlyList<string> Handed()
    {
        lock (_gate)
        {
            return [.. _handed];
        }
    }

    public sealed record Issued(int Generation, string AccessKeyId, string SecretAccessKey, string Token, DateTimeOffset Expiration);

    /// <summary>The credentials in force, renewed first when less than half their life is left.</summary>
    public Issued Current()
    {
        lock (_gate)
        {
            if (_current.Expiration - DateTimeOffset.UtcNow < validFor / 2)
            {
                _current = Issue(_current.Generation + 1, validFor);
            }
            if (!_handed.Contains(_current.AccessKeyId))
            {
                _handed.Add(_current.AccessKeyId);
            }
            return _current;
        }
    }

    private int _answers;

    /// <summary>How many times the endpoint answered.</summary>
    public int Answers => Volatile.Read(ref _answers);

    /// <summary>The endpoint's answer, once it is open (it is not while a snapshot is taken or restored).</summary>
    public async Task<Issued> AnswerAsync()
    {
        Interlocked.Increment(ref _answers);
        Task open;
        lock (_gate)
        {
            open = _open.Task;
        }
        await open;
        return Current();
    }

    /// <summary>The snapshot begins: the endpoint blocks.</summary>
    public void Block()
    {
        lock (_gate)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>The restore is done: new credentials with a new expiration, and the endpoint answers again.</summary>
    public void Restored()
    {
        lock (_gate)
        {
            _current = Issue(_current.Generation + 1, validFor);
            _open.TrySetResult();
        }
    }

    public static string Json(Issued issued) =>
        $$"""{"AccessKeyId":"{{issued.AccessKeyId}}","SecretAccessKey":"{{issued.SecretAccessKey}}","Token":"{{issued.Token}}","Expiration":"{{issued.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}""";

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static Issued Issue(int generation, TimeSpan validFor)
    {
        // Whole seconds, as the endpoint writes them.
        var expiration = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + validFor).ToUnixTimeSeconds());
        string key = $"ASIAEMULATED{generation:D2}{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}";
        return new Issued(generation, key, "secret-of-" + key, $"expires={expiration.ToUnixTimeMilliseconds()};generation={generation}", expiration);
    }
}
