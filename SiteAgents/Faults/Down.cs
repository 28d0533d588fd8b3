using MediAI.SiteAgents.Relay;

namespace MediAI.SiteAgents.Faults;

/// <summary>"down": the site is unreachable. Open links are dropped; new ones are reset at once.</summary>
public sealed class Down(string name) : IFault
{
    public const string TypeName = "down";

    public string Name => name;
    public string Type => TypeName;
    public Protocol.Flow? Flow => null;
    public IReadOnlyDictionary<string, object> Attributes { get; } = new Dictionary<string, object>();
    public bool AllowsConnection => false;
}
