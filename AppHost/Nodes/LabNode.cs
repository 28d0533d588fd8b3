namespace MediAI.AppHost.Nodes;

/// <summary>
/// A site's PostgreSQL node as the rest of the app model sees it, whichever way it runs.
/// </summary>
/// <param name="Site">The site it serves.</param>
/// <param name="Resource">The container or executable resource; its connection string is what services get by WithReference.</param>
/// <param name="GatewayPort">The host port of this site's agent gateway, in front of the node.</param>
/// <param name="GatewayHost">How the nodes reach that gateway: 127.0.0.1 for local processes, the host seen from a container otherwise.</param>
public sealed record LabNode(
    LabSite Site,
    IResourceBuilder<IResourceWithConnectionString> Resource,
    int GatewayPort,
    string GatewayHost)
{
    /// <summary>The endpoint the host's processes (bootstrap, API, agents, psql) connect to.</summary>
    public EndpointReference Endpoint => new((IResourceWithEndpoints)Resource.Resource, NodeSettings.EndpointName);

    /// <summary>Where the other nodes reach this one (its agent's gateway): what Citus registers in pg_dist_node.</summary>
    public string ClusterAddress => $"{GatewayHost}:{GatewayPort}";
}
