using System.Globalization;
using MediAI.AppHost.Nodes;
using MediAI.AppHost.Setup;

namespace MediAI.AppHost;

/// <summary>
/// The one place the AppHost gives the lab's services their settings: the typed options of the
/// shared contract (ServiceDefaults/Lab), written as the environment variables configuration
/// binding reads (Section__Property), and each node as a connection string by WithReference.
/// </summary>
public static class LabSettings
{
    /// <summary>A site agent: its own site, its own node, where its gateway listens — nothing of the other sites.</summary>
    public static IResourceBuilder<ExecutableResource> WithSiteAgentOptions(
        this IResourceBuilder<ExecutableResource> agent, LabNode node, LabCluster cluster, LabOptions options)
    {
        agent
            .WithReference(node.Resource, connectionName: node.Site.Name)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.Name), node.Site.Name)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.City), node.Site.City)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.DistanceToParisKm), node.Site.DistanceToParisKm)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.Wan), options.Wan)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.GatewayPort), node.GatewayPort)
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.NodeName),
                cluster.Mode == NodeMode.Containers ? $"container {node.Site.ContainerName}" : "local PostgreSQL process")
            .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.NodeContainer), cluster.Mode == NodeMode.Containers ? node.Site.ContainerName : "");
        for (var i = 0; i < cluster.GatewayBind.Count; i++)
        {
            agent.WithOption(SiteAgentOptions.Section, $"{nameof(SiteAgentOptions.GatewayBind)}__{i}", cluster.GatewayBind[i]);
        }

        return node.Site.Role == SiteRole.Coordinator
            ? agent.WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.ClientPort), cluster.CoordinatorPort)
            : agent;
    }

    /// <summary>The coordinator API or the bootstrap: every node, where the nodes reach each other, the data scripts.</summary>
    public static IResourceBuilder<ExecutableResource> WithCoordinatorOptions(
        this IResourceBuilder<ExecutableResource> service, LabCluster cluster, LabOptions options, string dataDir)
    {
        foreach (var node in cluster.Nodes)
        {
            service
                .WithReference(node.Resource, connectionName: node.Site.Name)
                .WithOption(CoordinatorOptions.Section, $"{nameof(CoordinatorOptions.ClusterAddresses)}__{node.Site.Name}", node.ClusterAddress);
        }

        return service
            .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.DataDir), dataDir)
            .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.Bootstrap), options.Bootstrap);
    }

    /// <summary>External mode: the bootstrap or the API gets the existing cluster's coordinator, its password (secret), the data scripts.</summary>
    public static IResourceBuilder<ExecutableResource> WithExternalClusterOptions(
        this IResourceBuilder<ExecutableResource> service, IResourceBuilder<IResourceWithConnectionString> coordinator,
        IResourceBuilder<ParameterResource> password, LabOptions options, string dataDir) => service
        .WithReference(coordinator)
        .WithEnvironment($"{CoordinatorOptions.Section}__{nameof(CoordinatorOptions.CoordinatorPassword)}", password)
        .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.External), true)
        .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.Overwrite), options.Overwrite)
        .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.DataDir), dataDir)
        .WithOption(CoordinatorOptions.Section, nameof(CoordinatorOptions.Bootstrap), options.Bootstrap)
        .WithGateways(options);

    /// <summary>External mode: where the nodes reach each site whose agent runs beside its node (its gateway), registered by the bootstrap in the lab's database.</summary>
    private static IResourceBuilder<ExecutableResource> WithGateways(this IResourceBuilder<ExecutableResource> service, LabOptions options)
    {
        foreach (var (site, gateway) in options.Gateways)
        {
            service.WithOption(CoordinatorOptions.Section, $"{nameof(CoordinatorOptions.ClusterAddresses)}__{site}", gateway);
        }

        return service;
    }

    /// <summary>External mode: the agents beside the cluster's nodes, as service discovery's services__agent-tokyo__http__0 (the API calls them by name, as on the lab's own nodes).</summary>
    public static IResourceBuilder<ExecutableResource> WithRemoteAgents(this IResourceBuilder<ExecutableResource> api, LabOptions options)
    {
        foreach (var (site, url) in options.Agents)
        {
            api.WithEnvironment($"services__{LabSites.Find(site)!.AgentName}__http__0", url);
        }

        return api;
    }

    /// <summary>
    /// Every agent but the coordinator's is told the name of the coordinator's agent (which keeps
    /// the students' door and its record of their statements) and given its endpoint by reference.
    /// </summary>
    public static void WithDoorKeeper(this IReadOnlyList<IResourceBuilder<ExecutableResource>> agents, LabCluster cluster)
    {
        var keeper = agents[cluster.Nodes.ToList().FindIndex(n => n.Site.Role == SiteRole.Coordinator)];
        for (var i = 0; i < agents.Count; i++)
        {
            if (agents[i] != keeper)
            {
                agents[i]
                    .WithReference(keeper.GetEndpoint("http"))
                    .WithOption(SiteAgentOptions.Section, nameof(SiteAgentOptions.CoordinatorAgent), keeper.Resource.Name);
            }
        }
    }

    /// <summary>Each agent's HTTP endpoint, as service discovery's services__agent-tokyo__http__0: no address spelled by hand.</summary>
    public static IResourceBuilder<ExecutableResource> WithAgentReferences(
        this IResourceBuilder<ExecutableResource> service, IEnumerable<IResourceBuilder<ExecutableResource>> agents)
    {
        foreach (var agent in agents)
        {
            service.WithReference(agent.GetEndpoint("http"));
        }

        return service;
    }

    private static IResourceBuilder<ExecutableResource> WithOption(this IResourceBuilder<ExecutableResource> service, string section, string key, object value) =>
        service.WithEnvironment($"{section}__{key}", value switch
        {
            bool flag => flag ? "true" : "false",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        });
}
