using MediAI.SiteAgents.Faults;
using MediAI.SiteAgents.Gateway;
using MediAI.SiteAgents.Node;

namespace MediAI.SiteAgents.Api;

/// <summary>GET /status: the node (reachable, version, prepared transactions waiting here), the gateway, its links and faults.</summary>
public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(AgentRoutes.Status, async (SiteAgentOptions site, NodeProbe probe, GatewayListener gateway, ConnectionRegistry links, FaultRegistry faults, CancellationToken ct) =>
        {
            var node = await probe.ProbeAsync(ct);
            return Results.Ok(new
            {
                site = site.Name,
                city = site.City,
                node = $"{site.Node.Host}:{site.Node.Port}",
                reachable = node.Reachable,
                version = node.Version,
                error = node.Error,
                gateway = gateway.Bound.IsCompletedSuccessfully ? gateway.Bound.Result.ToString() : null,
                openConnections = links.Count,
                preparedTransactions = node.PreparedTransactions,
                faults = faults.Snapshot.Select(FaultEndpoints.Describe),
            });
        });
        return app;
    }
}
