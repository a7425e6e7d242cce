using System.IO.Hashing;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>A Telemetry API body's fingerprint (its length and 64-bit XxHash3): enough to recognise the same body
/// delivered again without keeping a copy of it.</summary>
internal readonly record struct BodyDigest(ulong Hash, int Length)
{
    public static BodyDigest Of(ReadOnlySpan<byte> body) => new(XxHash3.HashToUInt64(body), body.Length);
}
