namespace MediAI.Labs.Tests.Architecture;

/// <summary>
/// The lab's layering as ARCHITECTURE.md states it ("Layering"), as data for <see cref="Layering.Check"/>.
/// Change both together.
/// </summary>
public static class LabLayering
{
    private const string Contract = "Lab.Contract";

    public static readonly Layering Rules = new(
        Projects: new Dictionary<string, string[]>
        {
            // The typed contract stands on nothing of the lab's; everything may stand on it.
            [Contract] = [],
            ["ServiceDefaults"] = [Contract],
            // The coordinator: core ← API, core ← checker.
            ["Coordinator.Core"] = [Contract],
            ["Coordinator.Api"] = ["Coordinator.Core", "ServiceDefaults", Contract],
            ["Checker"] = ["Coordinator.Core", Contract],
            ["SiteAgents"] = ["ServiceDefaults", Contract],
            // The app model writes the services' contract; it starts them (below), never uses their code.
            ["AppHost"] = [Contract],
        },
        Resources: new Dictionary<string, string[]>
        {
            ["AppHost"] = ["Coordinator.Api", "SiteAgents"],
        },
        Namespaces: new Dictionary<string, IReadOnlyDictionary<string, string[]>>
        {
            // The agent: Protocol ← Relay ← Faults, Protocol ← Tracing ← Node ← Faults (the crash
            // faults kill nodes), Gateway → Relay/Tracing, Api → the parts it exposes; the root wires all.
            ["SiteAgents"] = new Dictionary<string, string[]>
            {
                ["MediAI.SiteAgents.Protocol"] = [],
                ["MediAI.SiteAgents.Relay"] = ["MediAI.SiteAgents.Protocol"],
                ["MediAI.SiteAgents.Tracing"] = ["MediAI.SiteAgents.Protocol"],
                ["MediAI.SiteAgents.Node"] = ["MediAI.SiteAgents.Tracing"],
                ["MediAI.SiteAgents.Faults"] = ["MediAI.SiteAgents.Protocol", "MediAI.SiteAgents.Relay", "MediAI.SiteAgents.Node"],
                ["MediAI.SiteAgents.Gateway"] = ["MediAI.SiteAgents.Protocol", "MediAI.SiteAgents.Relay", "MediAI.SiteAgents.Tracing"],
                ["MediAI.SiteAgents.Api"] = ["MediAI.SiteAgents.Protocol", "MediAI.SiteAgents.Relay", "MediAI.SiteAgents.Tracing", "MediAI.SiteAgents.Node", "MediAI.SiteAgents.Faults", "MediAI.SiteAgents.Gateway"],
                ["MediAI.SiteAgents"] = [Layering.Anything],
            },
            // The coordinator's core: Sql ← Sessions ← Fragmentation ← Grading, Cluster ← Routing ← Grading.
            ["Coordinator.Core"] = new Dictionary<string, string[]>
            {
                ["MediAI.Coordinator.Core.Sql"] = [],
                ["MediAI.Coordinator.Core.Cluster"] = [],
                ["MediAI.Coordinator.Core.Sessions"] = ["MediAI.Coordinator.Core.Sql"],
                ["MediAI.Coordinator.Core.Routing"] = ["MediAI.Coordinator.Core.Cluster"],
                ["MediAI.Coordinator.Core.Fragmentation"] = ["MediAI.Coordinator.Core.Sql", "MediAI.Coordinator.Core.Sessions"],
                ["MediAI.Coordinator.Core.Grading"] = ["MediAI.Coordinator.Core.Sql", "MediAI.Coordinator.Core.Cluster", "MediAI.Coordinator.Core.Sessions", "MediAI.Coordinator.Core.Routing", "MediAI.Coordinator.Core.Fragmentation"],
            },
        },
        WebFree: [Contract, "Coordinator.Core", "Checker"],
        FrameworkNamespaces: ["Microsoft.Extensions.Hosting"]);
}
