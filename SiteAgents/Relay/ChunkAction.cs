namespace MediAI.SiteAgents.Relay;

/// <summary>What the pump does with a chunk of bytes after the faults have seen it.</summary>
public enum ChunkAction
{
    Relay,

    /// <summary>Drop the bytes, keep the link (Toxiproxy's timeout with timeout 0).</summary>
    Discard,

    /// <summary>Drop the link.</summary>
    Close,

    /// <summary>Drop the link with a TCP reset.</summary>
    Reset,
}
