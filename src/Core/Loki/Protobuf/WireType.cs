namespace LokiLambdaExtension.Core.Loki.Protobuf;

/// <summary>The two protobuf wire types a Loki push request uses.</summary>
internal enum WireType : uint
{
    Varint = 0,
    LengthDelimited = 2,
}
