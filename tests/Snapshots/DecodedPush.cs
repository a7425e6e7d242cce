using System.Globalization;
using LanguageExt;
using LokiLambdaExtension.Tools.Receiver.Proto;
using Snappier;

namespace LokiLambdaExtension.Snapshots;

/// <summary>A push request as a reader wants to see it: streams, entries with their time to the nanosecond, lines
/// and structured metadata. Made by decoding the real body with the generated Google.Protobuf types.</summary>
public sealed record DecodedPush(IReadOnlyList<DecodedStream> Streams)
{
    /// <summary>The environment of the sample function, read as the extension reads its own.</summary>
    private static ExtensionConfig Config(string model) => ConfigReader.Read(new Dictionary<string, string>
    {
        ["AWS_LAMBDA_INITIALIZATION_TYPE"] = model,
        ["LOKI_PUSH_URL"] = "https://logs.example.com",
        ["AWS_LAMBDA_FUNCTION_NAME"] = "orders-api",
        ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
        ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/24/[$LATEST]8f5a2c3e4b6d4e0f9a1b2c3d4e5f6a7b",
        ["AWS_REGION"] = "eu-west-1",
        ["LOKI_LABELS"] = "env=prod,team=payments",
        ["LOKI_MAX_LINE_BYTES"] = "1024",
    }).Config;

    /// <summary>Runs a Telemetry API body through the core as the extension does at SHUTDOWN (parse, buffer, batch,
    /// encode, compress) and decodes every push it decides.</summary>
    public static IReadOnlyList<DecodedPush> FromTelemetryBody(byte[] body, string model = "on-demand")
    {
        ExtensionConfig config = Config(model);
        const long now = 1_795_000_000_000;
        // The path the extension's intake takes: parse, join, sift, fingerprint.
        var (received, problem) = TelemetryIntake.Read(body, now, now * 1_000_000, 0, new LineArena(), config.Shaping);
        Assert.True(problem is null, problem);

        var settings = LifecycleSettings.For(DeliveryPolicy.Default, config.Shaping, config.Model);
        var state = ExtensionState.Initial(DeliveryPolicy.Default);
        var pushes = new List<DecodedPush>();
        var observations = new Observation[]
        {
            new Initialized(now),
            new ShutdownReceived(now, now + 2000, "spindown"),
            received!,
        };
        foreach (Observation observation in observations)
        {
            (state, Seq<Decision> decisions) = Lifecycle.Step(settings, state, observation);
            foreach (PushStarted push in decisions.OfType<PushStarted>())
            {
                pushes.Add(Decode(push.Batch, config.Labels));
                (state, _) = Lifecycle.Step(settings, state, new PushFinished(now, push.Batch.Id, new PushOutcome.Delivered(), 0));
            }
        }
        return pushes;
    }

    private static DecodedPush Decode(PushBatch batch, StreamLabels labels)
    {
        using PooledBuffer body = PushRequestBody.Create(batch.Entries.AsSpan(), labels);
        PushRequest request = PushRequest.Parser.ParseFrom(Snappy.DecompressToArray(body.Memory.Span));
        return new DecodedPush([.. request.Streams.Select(s => new DecodedStream(s.Labels, [.. s.Entries.Select(DecodedEntry.From)]))]);
    }
}

public sealed record DecodedStream(string Labels, IReadOnlyList<DecodedEntry> Entries);

public sealed record DecodedEntry(string Time, string Line, IReadOnlyDictionary<string, string> Metadata)
{
    public static DecodedEntry From(EntryAdapter entry) => new(
        DateTimeOffset.FromUnixTimeSeconds(entry.Timestamp.Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + "." + entry.Timestamp.Nanos.ToString("D9", CultureInfo.InvariantCulture) + "Z",
        entry.Line,
        entry.StructuredMetadata.ToDictionary(p => p.Name, p => p.Value));
}
