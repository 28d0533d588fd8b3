using MediAI.AppHost.Nodes;

namespace MediAI.AppHost;

/// <summary>How the lab's services learn about the cluster: configuration, from the app model.</summary>
public static class LabWiring
{
    /// <summary>
    /// Gives a service every site's node (client endpoint, and the gateway address the nodes use), the password,
    /// and the data scripts folder, as the "Lab" configuration section the services bind.
    /// </summary>
    public static IResourceBuilder<T> WithLabCluster<T>(
        this IResourceBuilder<T> service, LabCluster cluster, IResourceBuilder<ParameterResource> password, LabOptions options, string dataDir)
        where T : IResourceWithEnvironment
    {
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            var node = cluster.Nodes[i];
            var prefix = $"Lab__Nodes__{i}__";
            service
                .WithEnvironment(prefix + "Site", node.Site.Name)
                .WithEnvironment(prefix + "City", node.Site.City)
                .WithEnvironment(prefix + "Country", node.Site.Country)
                .WithEnvironment(prefix + "SiteOrigin", node.Site.SiteOrigin)
                .WithEnvironment(prefix + "Role", node.Site.Role.ToString())
                .WithEnvironment(prefix + "Host", $"{node.Endpoint.Property(EndpointProperty.Host)}")
                .WithEnvironment(prefix + "Port", $"{node.Endpoint.Property(EndpointProperty.Port)}")
                // Citus registers every node under its site agent's gateway.
                .WithEnvironment(prefix + "ClusterHost", node.GatewayHost)
                .WithEnvironment(prefix + "ClusterPort", node.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return service
            .WithEnvironment("Lab__Password", password)
            .WithEnvironment("Lab__DataDir", dataDir)
            .WithEnvironment("Lab__Bootstrap", options.Bootstrap);
    }

    /// <summary>Starts the service once every node accepts connections.</summary>
    public static IResourceBuilder<T> WaitForNodes<T>(this IResourceBuilder<T> service, LabCluster cluster)
        where T : IResourceWithWaitSupport
    {
        foreach (var node in cluster.Nodes)
        {
            service.WaitFor(node.Resource);
        }

        return service;
    }

    /// <summary>Starts the service once every one of <paramref name="dependencies"/> is ready.</summary>
    public static IResourceBuilder<T> WaitForAll<T, TDependency>(this IResourceBuilder<T> service, IEnumerable<IResourceBuilder<TDependency>> dependencies)
        where T : IResourceWithWaitSupport
        where TDependency : class, IResource
    {
        foreach (var dependency in dependencies)
        {
            service.WaitFor(dependency);
        }

        return service;
    }
}
