namespace LokiLambdaExtension.Core.Spool;

/// <summary>A chunk of the oldest buffered entries written to the spool on <c>/tmp</c> because memory was nearly
/// full; read back, oldest first, when memory has room again. Its name says what it holds (<see cref="Count"/>
/// entries of <see cref="Bytes"/>, as <see cref="LogEntry.ApproximateBytes"/>), so a later process knows without
/// reading it; a name is checked against the file before it is believed (<see cref="Problem"/>).</summary>
public sealed record SpoolFile(long Id, int Count, long Bytes)
{
    /// <summary>The fewest bytes an entry takes in a file: time (8), stream (1), an empty line's length (1), no pairs (4).</summary>
    private const long MinEntryBytesOnDisk = 14;

    /// <summary>Metadata is written in full but not counted in <see cref="Bytes"/>: a file may hold this many times its
    /// named bytes (short platform lines carry the most metadata), and no more.</summary>
    private const long MetadataAllowance = 8;

    /// <summary>The most a file of this name may hold on disk: what a read of it is bounded by.</summary>
    public long MaxBytesOnDisk => 8 + MetadataAllowance * Bytes + 64 * 1024;

    /// <summary>Why a file found on disk is not one this extension could have written with this name, or null: a name
    /// that claims no entries, fewer bytes than its entries take, more than memory may hold (it is read back whole), or
    /// a size on disk its entries cannot have. Such a file (an old format, a hand-made or hostile one) is never read:
    /// a name's numbers are summed and a file's size allocated only once they are believed.</summary>
    public string? Problem(long bytesOnDisk, long maxBufferBytes) =>
        Count <= 0 ? "its name counts no entries"
        : Bytes < 32L * Count ? $"its name gives {Bytes} bytes, fewer than {Count} entries take"
        : Bytes > maxBufferBytes ? $"its name gives {Bytes} bytes, more than memory may hold ({maxBufferBytes})"
        : bytesOnDisk < 8 + MinEntryBytesOnDisk * Count ? $"it holds {bytesOnDisk} bytes, too few for the {Count} entries its name counts"
        : bytesOnDisk > MaxBytesOnDisk ? $"it holds {bytesOnDisk} bytes, far more than the {Bytes} its name gives"
        : null;
}
