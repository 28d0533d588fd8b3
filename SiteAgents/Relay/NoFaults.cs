namespace MediAI.SiteAgents.Relay;

/// <summary>A source that never has a fault: for links that faults must not touch (the students' door).</summary>
public sealed class NoFaults : IFaultSource
{
    public static readonly NoFaults Instance = new();

    private NoFaults()
    {
    }

    public IReadOnlyList<IFault> Snapshot => Array.Empty<IFault>();

    public event Action<IFault>? Added
    {
        add { }
        remove { }
    }
}
