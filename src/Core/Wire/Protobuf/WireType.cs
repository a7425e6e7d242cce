namespace LokiLambdaExtension.Core.Wire.Protobuf;

/// <summary>The two protobuf wire types a Loki push request uses.</summary>
internal enum WireType : uint
{
    Varint = 0,
    LengthDelimited = 2,
}
