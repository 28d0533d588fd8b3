namespace MediAI.SiteAgents.Relay;

/// <summary>What the pump does with a message after the link's rules and its faults have seen it.</summary>
public enum Verdict
{
    /// <summary>Relay it.</summary>
    Forward,

    /// <summary>Relay it, then close the link (both sides).</summary>
    ForwardThenClose,

    /// <summary>Do not relay it; the fault has answered the client itself.</summary>
    Swallow,

    /// <summary>Do not relay it; close the link now.</summary>
    Close,
}
