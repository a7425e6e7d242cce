using System.Collections.Immutable;
using LanguageExt;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>A decision of the core: an effect the shell performs, folded into the state as it is decided. The shell
/// sees none of the cases: it performs one by handing <see cref="Perform"/> its <see cref="IEffects"/>, so a new
/// decision is an interface method that every shell must implement before it compiles.</summary>
public abstract record Decision : Event
{
    private protected Decision() { }

    /// <summary>Has <paramref name="effects"/> perform this decision.</summary>
    public abstract void Perform(IEffects effects);
}

/// <summary>The effects the shell performs for the core, one per decision. Each that starts something ends in an
/// observation the shell hands back (see <see cref="Observations"/>), whatever happens.</summary>
public interface IEffects
{
    /// <summary>Send the batch to Loki, one push request per stream, with <paramref name="headers"/> (authorization,
    /// tenant, extras: secrets, never printed); give up at <paramref name="notAfterMs"/>. Ends in
    /// <see cref="Observations.PushFinished"/>.</summary>
    void Push(PushBatch batch, long notAfterMs, Seq<HttpHeader> headers);

    /// <summary>Write the batch to the spool as <paramref name="file"/>. Ends in <see cref="Observations.SpillFinished"/>.</summary>
    void Spill(SpoolFile file, PushBatch batch);

    /// <summary>Read <paramref name="file"/> back from the spool (and delete it). Ends in <see cref="SpoolLoaded"/>.</summary>
    void LoadSpool(SpoolFile file);

    /// <summary>Write one object to the S3 archive at <paramref name="key"/>: the push body of <paramref name="entries"/>,
    /// all streams in one request, signed with <paramref name="signWith"/>; give up at <paramref name="notAfterMs"/>.
    /// Ends in <see cref="Observations.ArchiveFinished"/> for <paramref name="objectId"/>.</summary>
    void Archive(long objectId, string key, PushBatch entries, AwsCredentials signWith, long notAfterMs);

    /// <summary>Ask the container credentials endpoint for the function role's credentials (GET with the token as
    /// <c>Authorization</c>, no redirect followed); give up at <paramref name="notAfterMs"/>. Ends in
    /// <see cref="Observations.CredentialsFetched"/>.</summary>
    void FetchCredentials(Uri endpoint, string authorization, long notAfterMs);

    /// <summary>Read every referenced secret, signed with <paramref name="signWith"/>; give up at
    /// <paramref name="notAfterMs"/>. Ends in <see cref="Observations.SecretsFetched"/>.</summary>
    void FetchSecrets(Seq<SecretReference> references, AwsCredentials signWith, long notAfterMs);

    /// <summary>Drop every connection to Loki (and AWS) and open new ones for the next request: after a SnapStart
    /// restore, those open at the snapshot are dead, often without a reset, and a request on one would hang.</summary>
    void RenewConnections();

    /// <summary>Call <c>/event/next</c>: from here on the sandbox may freeze at any moment. Ends in
    /// <see cref="Observations.Invoked"/>, <see cref="Observations.ShutDown"/> or <see cref="Observations.NextFailed"/>.</summary>
    void CallNext();

    /// <summary>Wake the core at <paramref name="atMs"/> with <see cref="Observations.TimerFired"/> (replaces any
    /// earlier timer).</summary>
    void ArmTimer(long atMs);

    /// <summary>Tell the user <paramref name="text"/>, at <paramref name="level"/>.</summary>
    void Tell(NoticeLevel level, string text);

    /// <summary>Exit the process with <paramref name="exitCode"/>, printing <paramref name="summary"/>.</summary>
    void Exit(int exitCode, string summary);
}

/// <summary>Send this batch to Loki with <paramref name="Headers"/>; give up on it at <paramref name="NotAfterMs"/>.</summary>
internal sealed record PushStarted(PushBatch Batch, long NotAfterMs, Seq<HttpHeader> Headers = default) : Decision
{
    public override void Perform(IEffects effects) => effects.Push(Batch, NotAfterMs, Headers);
}

/// <summary>Write the oldest entries in memory to the spool, as a file numbered as the batch.</summary>
internal sealed record SpillStarted(PushBatch Batch) : Decision
{
    public SpoolFile File => new(Batch.Id, Batch.Entries.Length, Batch.Bytes);

    public ImmutableArray<LogEntry> Entries => Batch.Entries;

    public override void Perform(IEffects effects) => effects.Spill(File, Batch);
}

/// <summary>Write one object to the S3 archive at <paramref name="Key"/>: the push body of <see cref="Entries"/>, the
/// entries <paramref name="Taken"/> from <paramref name="Source"/> and, when Loki was given up on at SHUTDOWN, the
/// <paramref name="Report"/> saying so, signed with <paramref name="SignWith"/>. Give up on it at <paramref name="NotAfterMs"/>.</summary>
internal sealed record ArchiveStarted(PushBatch Taken, Option<LogEntry> Report, string Key, long NotAfterMs, ArchiveSource Source, AwsCredentials SignWith)
    : Decision
{
    public long ObjectId => Taken.Id;

    public ImmutableArray<LogEntry> Entries => Report.Case is LogEntry report ? Taken.Entries.Add(report) : Taken.Entries;

    public override void Perform(IEffects effects) => effects.Archive(ObjectId, Key, Taken with { Entries = Entries }, SignWith, NotAfterMs);
}

/// <summary>Read <paramref name="File"/> back from the spool.</summary>
internal sealed record SpoolLoadStarted(SpoolFile File) : Decision
{
    public override void Perform(IEffects effects) => effects.LoadSpool(File);
}

/// <summary>Drop every connection and open new ones for the next request (see <see cref="IEffects.RenewConnections"/>).</summary>
internal sealed record ConnectionsRenewed : Decision
{
    public override void Perform(IEffects effects) => effects.RenewConnections();
}

/// <summary>Call <c>/event/next</c>: from here on the sandbox may freeze at any moment.</summary>
internal sealed record NextCalled : Decision
{
    public override void Perform(IEffects effects) => effects.CallNext();
}

/// <summary>Wake the core at <paramref name="AtMs"/> with <see cref="TimerFired"/> (replaces any earlier timer).</summary>
internal sealed record TimerArmed(long AtMs) : Decision
{
    public override void Perform(IEffects effects) => effects.ArmTimer(AtMs);
}

/// <summary>Tell the user <paramref name="Notice"/> (the shell prints it).</summary>
internal sealed record Notified(Notice Notice) : Decision
{
    public override void Perform(IEffects effects) => effects.Tell(Notice.Level, Notice.Text);
}

/// <summary>Exit the process with <paramref name="ExitCode"/>, printing <paramref name="Summary"/>.</summary>
internal sealed record ExitRequested(int ExitCode, string Summary) : Decision
{
    public override void Perform(IEffects effects) => effects.Exit(ExitCode, Summary);
}
