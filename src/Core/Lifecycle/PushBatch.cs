using System.Collections.Immutable;
using LokiLambdaExtension.Core.Loki;

namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>Entries taken from the buffer for one push, contiguous so the encoder reads them as a span.</summary>
public sealed record PushBatch(long Id, ImmutableArray<LogEntry> Entries, long Bytes);
