using System.Text;
using BenchmarkDotNet.Attributes;
using Snappier;

namespace LokiLambdaExtension.CoreBenchmarks;

/// <summary>The per-line work of the core on realistic data: 1,000 function lines of ~200 bytes with their metadata.</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private const int Entries = 1000;
    private LogEntry[] _entries = [];
    private byte[] _encoded = [];
    private byte[] _compressed = [];
    private byte[] _telemetryBody = [];
    private byte[] _jsonTelemetryBody = [];
    private readonly LineArena _lines = new();
    private ExtensionState _invoked = null!;
    private TelemetryReceived _body = null!;
    private ExtensionState _uninvoked = null!;
    private LifecycleSettings _settings = LifecycleSettings.Default;
    private readonly StreamLabels _labels = StreamLabels.Create([new("service_name", "orders-api"), new("function_name", "orders-api"), new("cloud_region", "eu-west-1")]);

    [GlobalSetup]
    public void Setup()
    {
        var shaping = new EntryShaping(LineLimit.DefaultMaxBytes, "$LATEST", "2026/11/25/[$LATEST]8f5a2c3e4b6d4e0f9a1b2c3d4e5f6a7b");
        _settings = LifecycleSettings.For(DeliveryPolicy.Default, shaping);
        var context = new InvocationContext("6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", "1-62e900b2-710d76f009d6e7785905449a", shaping);
        var records = new StringBuilder("[");
        for (int i = 0; i < Entries; i++)
        {
            string time = DateTimeOffset.FromUnixTimeMilliseconds(1_795_600_000_000 + i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            string message = $"order {4700 + i} charged; card ending {1000 + i % 9000}; gateway latency {i % 97} ms ".PadRight(120, '.');
            records.Append(i == 0 ? "" : ",").Append($$"""{"time":"{{time}}","type":"function","record":"{{time}}\t6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\tINFO\t{{message}}\n"}""");
        }
        _telemetryBody = Encoding.UTF8.GetBytes(records.Append(']').ToString());
        // The same lines as a function logging JSON writes them (Managed Instances' functions mostly do): records are
        // objects, compacted into the arena and read for their fields.
        var jsonRecords = new StringBuilder("[");
        for (int i = 0; i < Entries; i++)
        {
            string time = DateTimeOffset.FromUnixTimeMilliseconds(1_795_600_000_000 + i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            string message = $"order {4700 + i} charged; card ending {1000 + i % 9000}; gateway latency {i % 97} ms ".PadRight(120, '.');
            jsonRecords.Append(i == 0 ? "" : ",").Append($$$"""{"time":"{{{time}}}","type":"function","record":{"timestamp":"{{{time}}}","level":"INFO","requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","message":"{{{message}}}"}}""");
        }
        _jsonTelemetryBody = Encoding.UTF8.GetBytes(jsonRecords.Append(']').ToString());
        var parsed = TelemetryBodyParser.Parse(_telemetryBody, 0, _lines);
        RecentRequests recentRequests = RecentRequests.None;
        _entries = [.. parsed.Records.Select(r => LogEntries.From(in r, shaping, context, ref recentRequests))];
        _encoded = new byte[PushRequestEncoder.GetEncodedLength(_entries, _labels)];
        PushRequestEncoder.Encode(_entries, _labels, _encoded);
        _compressed = new byte[Snappy.GetMaxCompressedLength(_encoded.Length)];

        // An invocation under way (its platform.start seen), then one body of its 1,000 lines.
        string start = """[{"time":"2026-11-25T10:00:00.000Z","type":"platform.start","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","version":"$LATEST","tracing":{"spanId":"54565fb41ac79632","type":"X-Amzn-Trace-Id","value":"Root=1-62e900b2-710d76f009d6e7785905449a;Parent=0efbd19962d95b05;Sampled=1"}}}]""";
        var state = ExtensionState.Initial(DeliveryPolicy.Default);
        foreach (Observation observation in new Observation[]
                 {
                     new Initialized(0),
                     new InvokeReceived(0, "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", 60_000),
                     new TelemetryReceived(0, TelemetryBodyParser.Parse(Encoding.UTF8.GetBytes(start), 0, _lines).Records),
                 })
        {
            state = Lifecycle.Step(_settings, state, observation).State;
        }
        _invoked = state;
        _body = new TelemetryReceived(0, parsed.Records);
        _uninvoked = Lifecycle.Step(_settings, ExtensionState.Initial(DeliveryPolicy.Default), new Initialized(0)).State;
    }

    /// <summary>Protobuf encoding of 1,000 entries into a reused buffer: ns and bytes allocated per push of 1,000.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int EncodePerEntry() => PushRequestEncoder.Encode(_entries, _labels, _encoded);

    /// <summary>Encoding plus snappy into pooled buffers, as a push does (the PooledBuffer is one object per push).</summary>
    [Benchmark]
    public int EncodeAndCompressPushOf1000()
    {
        using PooledBuffer body = PushRequestBody.Create(_entries, _labels);
        return body.Length;
    }

    [Benchmark]
    public int SnappyCompressPushOf1000() => Snappy.Compress(_encoded, _compressed);

    /// <summary>The Decider taking in a body of 1,000 function lines during an invocation: entries made (level and
    /// request id read from each line's prefix), buffered, counted. What it allocates per line is what buffering costs.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int ReceivePerLine() => Lifecycle.Step(_settings, _invoked, _body).State.Buffer.Count;

    /// <summary>The same body when no platform.start was seen (a subscription without "platform"): each line's
    /// request id comes from its own prefix.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int ReceivePerLineWithoutPlatformStart() => Lifecycle.Step(_settings, _uninvoked, _body).State.Buffer.Count;

    /// <summary>Parsing a Telemetry API body of 1,000 function records (~280 KB) into records, lines into the arena
    /// as the extension does (what it allocates is the arena's 128 KiB chunks, and the records' array, wrapped by their sequence).</summary>
    [Benchmark]
    public int ParseTelemetryBodyOf1000() => TelemetryBodyParser.Parse(_telemetryBody, 0, _lines).Records.Length;

    /// <summary>The same for 1,000 JSON records (~300 KB): each compacted into the arena and read for its fields.</summary>
    [Benchmark]
    public int ParseJsonTelemetryBodyOf1000() => TelemetryBodyParser.Parse(_jsonTelemetryBody, 0, _lines).Records.Length;
}
