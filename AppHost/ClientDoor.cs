using MediAI.AppHost.Nodes;

namespace MediAI.AppHost;

/// <summary>
/// The students' door: psql and DBeaver connect to localhost:5432 (or the port chosen), where
/// Paris's agent listens in front of the coordinator node. One hop the lab owns on that port:
/// when the node is not running, the client gets a PostgreSQL error naming the site and what to
/// do, at once, instead of a port that accepts and then hangs.
/// </summary>
public static class ClientDoor
{
    public const string EndpointName = "psql";

    public static IResourceBuilder<ExecutableResource> WithClientDoor(this IResourceBuilder<ExecutableResource> agent, LabNode node, LabCluster cluster, string? dashboardUrl)
    {
        if (node.Site.Role != SiteRole.Coordinator)
        {
            return agent;
        }

        if (dashboardUrl is not null)
        {
            // Each statement typed at the door is answered with its trace's address there (a NOTICE).
            agent.WithEnvironment($"{SiteAgentOptions.Section}__{nameof(SiteAgentOptions.DashboardUrl)}", dashboardUrl);
        }

        return agent
            .WithEndpoint(port: cluster.CoordinatorPort, targetPort: cluster.CoordinatorPort, name: EndpointName, scheme: "tcp", isProxied: false)
            // Named for what it is: the address students type, not a gateway.
            .WithUrlForEndpoint(EndpointName, url =>
            {
                url.DisplayText = $"psql/DBeaver: localhost:{cluster.CoordinatorPort}";
            });
    }
}
