namespace MediAI.SiteAgents.Relay;

/// <summary>The kinds of <see cref="ChunkAction"/>.</summary>
public enum ChunkKind
{
    Relay,

    /// <summary>Drop the bytes, keep the link (no fault asks for it since "timeout" 0 resets after the network timeout; the pump still honours it).</summary>
    Discard,

    /// <summary>Drop the link.</summary>
    Close,

    /// <summary>Drop the link with a TCP reset.</summary>
    Reset,

    /// <summary>Relay the first <see cref="ChunkAction.Limit"/> bytes, then drop the link (limit_data).</summary>
    RelayThenClose,

    /// <summary>Relay the bytes in small writes with a pause between them (slicer).</summary>
    Sliced,
}

/// <summary>What the pump does with a chunk of bytes after the faults have seen it.</summary>
/// <param name="Limit">RelayThenClose: how many of the chunk's bytes still go through.</param>
/// <param name="SliceSize">Sliced: the average size of a write, in bytes.</param>
/// <param name="SliceVariation">Sliced: a write is SliceSize ± this many bytes.</param>
/// <param name="SliceDelay">Sliced: the pause between two writes.</param>
public readonly record struct ChunkAction(ChunkKind Kind, long Limit = 0, int SliceSize = 0, int SliceVariation = 0, TimeSpan SliceDelay = default)
{
    public static ChunkAction Relay { get; } = new(ChunkKind.Relay);
    public static ChunkAction Discard { get; } = new(ChunkKind.Discard);
    public static ChunkAction Close { get; } = new(ChunkKind.Close);
    public static ChunkAction Reset { get; } = new(ChunkKind.Reset);

    public static ChunkAction RelayThenClose(long bytes) => new(ChunkKind.RelayThenClose, Limit: bytes);

    public static ChunkAction Sliced(int size, int variation, TimeSpan delay) =>
        new(ChunkKind.Sliced, SliceSize: Math.Max(1, size), SliceVariation: Math.Max(0, variation), SliceDelay: delay);
}
