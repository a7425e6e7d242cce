namespace LokiLambdaExtension.Core.Wire;

/// <summary>A request header of the pushes to Loki.</summary>
public sealed record HttpHeader(string Name, string Value);
