namespace MediAI.SiteAgents.Relay;

/// <summary>
/// The faults in force at a site, as the relay sees them. The relay defines what it needs and the
/// fault registry (MediAI.SiteAgents.Faults) provides it, so the gateway never names a concrete
/// fault nor the registry: it can be read, and tested, with any source of faults.
/// </summary>
public interface IFaultSource
{
    /// <summary>The faults in force now, in the order they were added: an immutable snapshot, never changed once read.</summary>
    IReadOnlyList<IFault> Snapshot { get; }

    /// <summary>Raised after a fault is added (a site going "down" drops its open links).</summary>
    event Action<IFault>? Added;
}
