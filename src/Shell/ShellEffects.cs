using LanguageExt;
using LokiLambdaExtension.Shell.Archive;
using LokiLambdaExtension.Shell.Aws;
using LokiLambdaExtension.Shell.LambdaApi;
using LokiLambdaExtension.Shell.Loki;
using LokiLambdaExtension.Shell.Spool;

namespace LokiLambdaExtension.Shell;

/// <summary>The core's decisions, performed: each request starts here and its outcome, failures included, goes back to
/// the loop's <paramref name="inbox"/> as an observation. Nothing here decides or remembers anything of delivery.</summary>
/// <param name="loki">Where pushes go; null when shipping is off from the start (the core then decides no push).</param>
/// <param name="archive">The S3 archive, when it is on.</param>
/// <param name="aws">Made only where something is fetched from AWS (a secret, or SnapStart's credentials).</param>
internal sealed class ShellEffects(ExtensionsApiClient lambda, LokiClient? loki, S3Client? archive, AwsFetcher? aws, SpoolStore spool,
    StreamLabels labels, LoopInbox inbox) : IEffects
{
    /// <summary>Set once the core asks to exit: the loop returns it.</summary>
    public int? ExitCode { get; private set; }

    public void Push(PushBatch batch, long notAfterMs, Seq<HttpHeader> headers) => _ = PushAsync(batch, notAfterMs, headers);

    public void Spill(SpoolFile file, PushBatch batch) => _ = Task.Run(() => SpillNow(file, batch));

    public void LoadSpool(SpoolFile file) => _ = Task.Run(() => Load(file));

    public void Archive(long objectId, string key, PushBatch entries, AwsCredentials signWith, long notAfterMs) =>
        _ = ArchiveAsync(objectId, key, entries, signWith, notAfterMs);

    public void FetchCredentials(Uri endpoint, string authorization, long notAfterMs) =>
        _ = aws!.FetchCredentialsAsync(endpoint, authorization, notAfterMs, inbox);

    public void FetchSecrets(Seq<SecretReference> references, AwsCredentials signWith, long notAfterMs) =>
        _ = aws!.FetchSecretsAsync(references, signWith, notAfterMs, inbox);

    public void RenewConnections()
    {
        loki?.Renew();
        archive?.Renew();
        aws?.Renew();
    }

    public void CallNext() => _ = NextAsync();

    public void ArmTimer(long atMs) => inbox.ArmTimer(atMs);

    public void Tell(NoticeLevel level, string text) => ExtensionLog.Tell(level, text);

    public void Exit(int exitCode, string summary)
    {
        ExtensionLog.Info($"shutdown: {summary}");
        ExitCode = exitCode;
    }

    private async Task NextAsync()
    {
        Observation observation;
        try
        {
            NextEvent next = await lambda.NextAsync();
            observation = next.EventType == "INVOKE"
                ? Observations.Invoked(ShellClock.NowMs, next.RequestId ?? "", next.DeadlineMs, ShellRandom.Discriminator())
                : Observations.ShutDown(ShellClock.NowMs, next.DeadlineMs, next.ShutdownReason ?? next.EventType ?? "unknown", ShellRandom.Discriminator());
        }
        catch (Exception e)
        {
            observation = Observations.NextFailed(ShellClock.NowMs, e.Message);
        }
        inbox.Post(observation);
    }

    /// <summary>One push request per stream of the batch, sent together; the core gets every stream's outcome at once.</summary>
    private async Task PushAsync(PushBatch batch, long notAfterMs, Seq<HttpHeader> headers)
    {
        StreamKind[] streams = [.. batch.Streams()];
        PushOutcome[] answers = await Task.WhenAll(streams.Select(stream => PushStreamAsync(batch, stream, notAfterMs, headers)));
        inbox.Post(Observations.PushFinished(ShellClock.NowMs, batch.Id, streams, answers, ShellRandom.Jitter()));
    }

    private async Task<PushOutcome> PushStreamAsync(PushBatch batch, StreamKind stream, long notAfterMs, Seq<HttpHeader> headers)
    {
        try
        {
            using PooledBuffer body = batch.Body(labels, stream);
            using LoopInbox.RequestDeadline timeout = inbox.Deadline(notAfterMs);
            (PushOutcome outcome, _) = await loki!.PushAsync(body.Memory, timeout.Token, headers);
            return outcome;
        }
        catch (Exception e)
        {
            // Whatever it was, the core hears of it: a batch left in flight would hold /event/next, and the function with it.
            return PushOutcome.Failed($"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task ArchiveAsync(long objectId, string key, PushBatch entries, AwsCredentials signWith, long notAfterMs)
    {
        string? error;
        int? status = null;
        string? code = null;
        try
        {
            using PooledBuffer body = entries.Body(labels);
            using (LoopInbox.RequestDeadline timeout = inbox.Deadline(notAfterMs))
            {
                (error, status, code) = await archive!.PutAsync(key, body.Memory, signWith, timeout.Token);
            }
            if (error is null)
            {
                ExtensionLog.Debug($"archived {entries.Count} entries as {key}");
            }
        }
        catch (Exception e)
        {
            // The core hears of every outcome: a write left open would hold /event/next.
            error = $"{e.GetType().Name}: {e.Message}";
        }
        inbox.Post(Observations.ArchiveFinished(ShellClock.NowMs, objectId, error, ShellRandom.Jitter(), status, code));
    }

    private void SpillNow(SpoolFile file, PushBatch batch)
    {
        string? error = null;
        try
        {
            spool.Write(file, batch.SpoolContents());
            ExtensionLog.Debug($"spilled {file.Count} entries ({file.Bytes} bytes) to {spool.Directory}");
        }
        catch (Exception e)
        {
            error = $"{spool.Directory}: {e.Message}";
        }
        inbox.Post(Observations.SpillFinished(ShellClock.NowMs, file.Id, error));
    }

    private void Load(SpoolFile file)
    {
        Observation loaded;
        try
        {
            loaded = Observations.SpoolRead(ShellClock.NowMs, file.Id, spool.Read(file));
        }
        catch (Exception e)
        {
            loaded = Observations.SpoolUnread(ShellClock.NowMs, file.Id, e.Message);
        }
        try
        {
            spool.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read or not, the file is done with; one left behind is read again by a later process.
        }
        inbox.Post(loaded);
    }
}
