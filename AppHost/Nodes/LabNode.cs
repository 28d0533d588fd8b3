namespace MediAI.AppHost.Nodes;

/// <summary>
/// A site's PostgreSQL node as the rest of the app model sees it, whichever way it runs.
/// </summary>
/// <param name="Site">The site it serves.</param>
/// <param name="Resource">The container or executable resource.</param>
/// <param name="ClusterHost">The host name other nodes use to reach it (pg_dist_node).</param>
/// <param name="ClusterPort">The port other nodes use to reach it.</param>
public sealed record LabNode(
    LabSite Site,
    IResourceBuilder<IResourceWithEndpoints> Resource,
    string ClusterHost,
    int ClusterPort)
{
    /// <summary>The endpoint the host's processes (bootstrap, API, agents, psql) connect to.</summary>
    public EndpointReference Endpoint => Resource.GetEndpoint(NodeSettings.EndpointName);
}
