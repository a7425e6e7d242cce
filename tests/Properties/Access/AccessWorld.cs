using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace LokiLambdaExtension.Properties.Access;

/// <summary>A generated world around the core's AWS access (<c>AwsAccess</c>): a SnapStart or on-demand environment with
/// the archive on (all mode) and a token in Secrets Manager, whose credentials endpoint answers late, fails, or gives
/// credentials of random lives; S3 refuses expired or stale keys now and then; Loki refuses the token after a
/// rotation. Every decision the core makes is played by the world at a later time and checked as it is made.</summary>
internal sealed class AccessWorld
{
    private const long Start = 1_795_000_000_000;
    private static readonly SecretReference Token = SecretReference.Parse("LOKI_AUTH_TOKEN",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf", _ => "").Match(r => r, p => throw new InvalidOperationException(p));

    private readonly Random _random;
    private readonly LifecycleSettings _settings;
    private readonly PriorityQueue<Observation, long> _pending = new();
    private ExtensionState _state;
    private long _now = Start;
    private int _generation;
    private int _rotation;
    private long _restoredAtMs = long.MaxValue;
    private int _invocations;
    private bool _exited;

    /// <summary>What broke a rule, if anything did.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Credentials handed by the endpoint, with when they expire (the world's truth).</summary>
    private readonly Dictionary<string, long> _expiresAt = [];

    public int CredentialsFetches { get; private set; }
    public int SecretsFetches { get; private set; }
    public int ArchiveWrites { get; private set; }
    public int Pushes { get; private set; }

    public AccessWorld(int seed, bool snapStart)
    {
        _random = new Random(seed);
        var access = new AccessSettings(new CredentialSource.ContainerEndpoint(new Uri("http://127.0.0.1:9001/2021-04-23/credentials"), "token"),
            Seq1(Token), new LokiAuth(Token.Arn, "", "", "", ""));
        _settings = LifecycleSettings.For(DeliveryPolicy.Default with { FlushBudgetMs = 300 + _random.Next(1200) },
            model: snapStart ? ExecutionModel.SnapStart : ExecutionModel.OnDemand) with
        {
            Archive = new ArchiveTarget(new ArchiveLocation("log-archive", "lambda"), ArchiveMode.All, None, "eu-west-1", "orders-api"),
            AccessOrNone = access,
        };
        _state = ExtensionState.Initial(_settings.Policy, 0, true, AccessState.For(access, Seq<HttpHeader>()));
    }

    public AccessWorld Run()
    {
        Observe(new Initialized(_now));
        Observe(Telemetry(TelemetryKind.InitRuntimeDone, "init"));
        for (int steps = 0; steps < 5000 && !_exited && _pending.TryDequeue(out Observation? next, out long at); steps++)
        {
            _now = Math.Max(_now, at);
            Observe(next);
        }
        if (!_exited)
        {
            Violations.Add($"never exited ({_state.Phase})");
        }
        return this;
    }

    private void Observe(Observation observation)
    {
        var (state, decisions) = Lifecycle.Step(_settings, _state, observation);
        ExtensionState before = _state;
        _state = state;
        foreach (Decision decision in decisions)
        {
            Check(before, decision);
            Play(decision);
        }
    }

    private void Check(ExtensionState before, Decision decision)
    {
        long now = Math.Max(before.NowMs, _now);
        switch (decision)
        {
            case ArchiveStarted { SignWith: var credentials }:
                Signable(credentials, now, "an archive write");
                break;
            case SecretsFetchStarted { SignWith: var credentials, NotAfterMs: var until }:
                Signable(credentials, now, "a secrets read");
                Bounded(before, until, now, "a secrets read");
                break;
            case CredentialsFetchStarted { NotAfterMs: var until }:
                Bounded(before, until, now, "a credentials read");
                break;
            case PushStarted push when push.Headers.IsEmpty:
                Violations.Add($"a push at {now - Start} ms without the token's header");
                break;
            case NextCalled when _state.Access.IsFetching:
                Violations.Add($"/event/next at {now - Start} ms with a fetch under way");
                break;
        }
    }

    /// <summary>Never signed with credentials known to have expired, nor with those of before a restore once it is seen.</summary>
    private void Signable(AwsCredentials credentials, long now, string what)
    {
        if (credentials.ExpiresAtMs is long expires && now >= expires)
        {
            Violations.Add($"{what} at {now - Start} ms signed with credentials that expired at {expires - Start} ms");
        }
        if (now >= _restoredAtMs && credentials.AccessKeyId.EndsWith("-before-restore", StringComparison.Ordinal))
        {
            Violations.Add($"{what} at {now - Start} ms signed with the snapshot's credentials after the restore");
        }
    }

    /// <summary>A fetch during an invocation ends within its flush budget; at init within the init's allowance.</summary>
    private void Bounded(ExtensionState before, long until, long now, string what)
    {
        long allowed = before.Phase is Phase.Invoked ? _settings.Policy.FlushBudgetMs : before.Phase is Phase.EndingInit ? 2000 : long.MaxValue;
        if (until - now > allowed)
        {
            Violations.Add($"{what} at {now - Start} ms may last {until - now} ms in {before.Phase.GetType().Name} (allowed {allowed})");
        }
    }

    private void Play(Decision decision)
    {
        switch (decision)
        {
            case CredentialsFetchStarted fetch:
                CredentialsFetches++;
                AnswerCredentials(fetch.NotAfterMs);
                break;
            case SecretsFetchStarted fetch:
                SecretsFetches++;
                long secretsAt = Later(fetch.NotAfterMs);
                bool refused = _random.Next(6) == 0;
                byte[] body = Encoding.UTF8.GetBytes(refused ? """{"__type":"ThrottlingException","message":"Rate exceeded"}""" : $$"""{"SecretString":"token-{{_rotation}}"}""");
                Schedule(new SecretsFetched(secretsAt, Seq1(new SecretAnswer(Token, refused ? 400 : 200, body, null)), _random.NextDouble()), secretsAt);
                break;
            case ArchiveStarted write:
                ArchiveWrites++;
                long writtenAt = Later(write.NotAfterMs);
                bool expired = _expiresAt.TryGetValue(write.SignWith.AccessKeyId, out long expires) && writtenAt >= expires;
                bool failed = expired || _random.Next(8) == 0;
                Schedule(new ArchiveFinished(writtenAt, write.ObjectId, failed ? "refused" : null, _random.NextDouble(), failed ? expired ? 400 : 503 : null,
                    expired ? "ExpiredToken" : null), writtenAt);
                break;
            case PushStarted push:
                Pushes++;
                long pushedAt = Later(push.NotAfterMs);
                bool stale = push.Headers.Exists(h => h.Value != $"Bearer token-{_rotation}");
                PushOutcome outcome = stale ? new PushOutcome.Rejected(401, "invalid credentials") : new PushOutcome.Delivered();
                StreamOutcomes outcomes = outcome;
                Schedule(new PushFinished(pushedAt, push.Batch.Id, outcomes, _random.NextDouble()), pushedAt);
                break;
            case NextCalled:
                NextEvent();
                break;
            case TimerArmed timer:
                Schedule(new TimerFired(timer.AtMs), timer.AtMs);
                break;
            case ExitRequested:
                _exited = true;
                break;
        }
    }

    /// <summary>The endpoint: late (past the deadline, as while a snapshot is taken), failing, or credentials of a random
    /// life (sometimes shorter than the refresh margin, sometimes already over).</summary>
    private void AnswerCredentials(long notAfterMs)
    {
        long at = Later(notAfterMs);
        int roll = _random.Next(10);
        if (roll == 0)
        {
            Schedule(new CredentialsFetched(at, WallAt(at), 500, [], null, _random.NextDouble()), at);
            return;
        }
        _generation++;
        string key = $"ASIA{_generation}" + (_restoredAtMs == long.MaxValue && _settings.Model == ExecutionModel.SnapStart ? "-before-restore" : "");
        long life = roll == 1 ? -1000 : _random.Next(3) == 0 ? 2000 + _random.Next(20_000) : 3_600_000;
        long expires = at + life;
        _expiresAt[key] = expires;
        string expiration = DateTimeOffset.FromUnixTimeMilliseconds(WallAt(expires)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        byte[] body = Encoding.UTF8.GetBytes($$"""{"AccessKeyId":"{{key}}","SecretAccessKey":"s","Token":"t","Expiration":"{{expiration}}"}""");
        Schedule(new CredentialsFetched(at, WallAt(at), 200, body, null, _random.NextDouble()), at);
    }

    /// <summary>After a SnapStart restore, the wall clock is days ahead of the process's monotonic one.</summary>
    private long WallAt(long nowMs) => nowMs + (nowMs >= _restoredAtMs ? 3 * 86_400_000L : 0);

    private void NextEvent()
    {
        // Mostly back to back; now and then a long idle, frozen, across which credentials expire.
        long at = _now + 1 + (_random.Next(4) == 0 ? 5000 + _random.Next(30_000) : _random.Next(2000));
        if (_settings.Model == ExecutionModel.SnapStart && _restoredAtMs == long.MaxValue)
        {
            _restoredAtMs = at;
        }
        if (_invocations++ >= 6 + _random.Next(6))
        {
            Schedule(new ShutdownReceived(at, at + 2000, "spindown", _random.Next(1_000_000)), at);
            return;
        }
        if (_random.Next(4) == 0)
        {
            _rotation++; // Loki takes only the new token from now on
        }
        string id = $"request-{_invocations}";
        Schedule(new InvokeReceived(at, id, at + 3000, _random.Next(1_000_000)), at);
        long ran = at + 1 + _random.Next(200);
        Schedule(new TelemetryReceived(ran, [Line(ran, $"line of {id}"), RuntimeDone(ran, id)]), ran);
    }

    private long Later(long notAfterMs) => Math.Min(notAfterMs, _now + 1 + _random.Next(400)) + (_random.Next(10) == 0 ? 5000 : 0) is var t && t > notAfterMs
        ? notAfterMs : t;

    private void Schedule(Observation observation, long at) => _pending.Enqueue(observation, at);

    private TelemetryReceived Telemetry(TelemetryKind kind, string text) =>
        new(_now, [new TelemetryRecord(_now * 1_000_000, "platform.initRuntimeDone", kind, null, Utf8Line.From("{}"), new RecordFields { Status = "success" })]);

    private static TelemetryRecord Line(long atMs, string text) =>
        new(atMs * 1_000_000, "function", TelemetryKind.Function, Utf8Line.From(text), null, RecordFields.None);

    private static TelemetryRecord RuntimeDone(long atMs, string requestId) =>
        new(atMs * 1_000_000, "platform.runtimeDone", TelemetryKind.RuntimeDone, null, Utf8Line.From("{}"), new RecordFields { RequestId = requestId, Status = "success" });
}
