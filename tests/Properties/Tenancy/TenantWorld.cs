using System.Text;
using LanguageExt;

namespace LokiLambdaExtension.Properties.Tenancy;

/// <summary>One execution environment under <c>LOKI_TENANT_MODE</c>, driven through the core as the shell would: bodies
/// in through <see cref="TelemetryIntake.Read"/>, every push answered as stored, what each push carried kept.</summary>
internal sealed class TenantWorld
{
    private const long At = 1_795_000_000_000;
    private readonly LifecycleSettings _settings;
    private readonly LineArena _lines = new();
    private long _now = At;
    private int _bodies;

    public TenantWorld(TenantRouting routing, string? configuredTenant)
    {
        _settings = LifecycleSettings.Default with { TenantsOrNone = routing };
        Seq<HttpHeader> headers = configuredTenant is null ? Prelude.Seq<HttpHeader>() : Prelude.Seq1(new HttpHeader("X-Scope-OrgID", configuredTenant));
        State = ExtensionState.Initial(DeliveryPolicy.Default, access: AccessState.For(AccessSettings.None, headers));
        Step(new Initialized(_now));
    }

    public ExtensionState State { get; private set; }

    /// <summary>Every push: the <c>X-Scope-OrgID</c> it carried (null: none), the batch's tenant, and its lines.</summary>
    public List<(string? Header, string? BatchTenant, string[] Lines)> Pushes { get; } = [];

    public List<Notice> Notices { get; } = [];

    public void Invoke(string requestId) => Step(new InvokeReceived(++_now, requestId, _now + 3000));

    /// <summary>A Telemetry API body of <paramref name="records"/> (each <c>type</c> and <c>record</c> JSON).</summary>
    public void Deliver(params (string Type, string Record)[] records)
    {
        string body = "[" + string.Join(",", records.Select((r, i) =>
            $$"""{"time":"2026-11-25T10:00:{{_bodies % 60:D2}}.{{i:D3}}Z","type":"{{r.Type}}","record":{{r.Record}}}""")) + "]";
        _bodies++;
        TelemetryReceived received = TelemetryIntake.Read(Encoding.UTF8.GetBytes(body), ++_now, 0, 0, _lines, _settings.Shaping).Received!;
        Step(received);
    }

    public void Shutdown() => Step(new ShutdownReceived(++_now, _now + 2000, "spindown"));

    /// <summary>The lines pushed under <paramref name="header"/> (null: no X-Scope-OrgID).</summary>
    public string[] LinesOf(string? header) => [.. Pushes.Where(p => p.Header == header).SelectMany(p => p.Lines)];

    private void Step(Observation observation)
    {
        var pending = new Queue<Observation>([observation]);
        for (int steps = 0; pending.TryDequeue(out Observation? next); steps++)
        {
            Assert.True(steps < 1000, "the core keeps deciding without settling");
            (ExtensionState state, Seq<Decision> decisions) = Lifecycle.Step(_settings, State, next);
            State = state;
            foreach (Decision decision in decisions)
            {
                switch (decision)
                {
                    case PushStarted push:
                        string[] tenantHeaders = [.. push.Headers.Filter(h => h.Name.Equals("X-Scope-OrgID", StringComparison.OrdinalIgnoreCase)).Map(h => h.Value)];
                        Assert.True(tenantHeaders.Length <= 1, "a push carries one X-Scope-OrgID at most");
                        Assert.All(push.Batch.Entries, e => Assert.Equal(push.Batch.Tenant, e.Tenant));
                        Pushes.Add((tenantHeaders.FirstOrDefault(), push.Batch.Tenant, [.. push.Batch.Entries.Select(e => e.Line.ToString())]));
                        pending.Enqueue(new PushFinished(++_now, push.Batch.Id, new PushOutcome.Delivered(), 0.5));
                        break;
                    case TimerArmed timer when timer.AtMs - _now < 5_000:
                        _now = Math.Max(_now, timer.AtMs);
                        pending.Enqueue(new TimerFired(_now));
                        break;
                    case Notified notified:
                        Notices.Add(notified.Notice);
                        break;
                }
            }
        }
    }
}
