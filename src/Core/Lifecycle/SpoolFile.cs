namespace LokiLambdaExtension.Core.Lifecycle;

/// <summary>A chunk of the oldest buffered entries written to the spool on <c>/tmp</c> because memory was nearly
/// full; read back, oldest first, when memory has room again.</summary>
public sealed record SpoolFile(long Id, int Count, long Bytes);
