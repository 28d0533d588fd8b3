using MediAI.SiteAgents.Node;

namespace MediAI.SiteAgents.Faults;

/// <summary>What a fault may be built with: the registry (a one-shot fault removes itself) and the node kills (the crash faults).</summary>
public sealed record FaultContext(FaultRegistry Registry, NodeCrashes Crashes);
