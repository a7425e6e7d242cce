using System.Text.Json;

namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>A <see cref="Utf8JsonReader"/> that, as it reads, tells whether what it has read was written with nothing
/// between its tokens but the commas and colons that separate them, so that a record read for its fields is known
/// compact (copied as it is, see <see cref="JsonCompactor"/>) in the same pass. The reader has read the separators
/// already: each token's start is compared with where the one before it ended.</summary>
internal ref struct CompactnessReader
{
    /// <summary>The reader itself: for its token, and to be taken back when done.</summary>
    public Utf8JsonReader Json;

    /// <summary>The bytes the reader reads, from its own start.</summary>
    private readonly ReadOnlySpan<byte> _text;

    private long _previousEnd;

    /// <param name="json">A reader on the token from which compactness counts (it is not checked itself).</param>
    /// <param name="text">The bytes it reads, from its own start (its positions are counted from there).</param>
    public CompactnessReader(Utf8JsonReader json, ReadOnlySpan<byte> text)
    {
        Json = json;
        _text = text;
        _previousEnd = json.BytesConsumed;
    }

    /// <summary>Whether every token read so far followed the one before it with nothing between them but one comma.</summary>
    public bool Compact { get; private set; } = true;

    public bool Read()
    {
        if (!Json.Read())
        {
            return false;
        }
        if (Compact)
        {
            ReadOnlySpan<byte> between = _text[(int)_previousEnd..(int)Json.TokenStartIndex];
            // A property name's token runs through its colon, and whatever whitespace stood before the colon.
            Compact = (between.IsEmpty || (between.Length == 1 && between[0] == (byte)','))
                && (Json.TokenType != JsonTokenType.PropertyName || Json.BytesConsumed - Json.TokenStartIndex == Json.ValueSpan.Length + 3);
        }
        _previousEnd = Json.BytesConsumed;
        return true;
    }

    /// <summary>As <see cref="Utf8JsonReader.Skip"/>: on a property name, past its value; on an object's or an array's
    /// start, to its end; otherwise nothing.</summary>
    public void Skip()
    {
        if (Json.TokenType == JsonTokenType.PropertyName)
        {
            Read();
        }
        if (Json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            int depth = Json.CurrentDepth;
            while (Read() && Json.CurrentDepth > depth)
            {
            }
        }
    }
}
