using System.Net.Http.Json;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// The coordinator's node, for a crash fault that fires at another site (Tokyo's link sees the 2PC
/// moment; Paris's node is the one to kill). Each agent controls only its own node: the others ask
/// Paris's agent, as they already do for traces.
/// </summary>
public interface ICoordinatorNode
{
    Task<NodeActionResult> KillAsync(NodeCrash why, CancellationToken cancellationToken);
}

/// <summary>At Paris: the coordinator's node is this agent's own.</summary>
public sealed class OwnCoordinatorNode(INodeControl node) : ICoordinatorNode
{
    public Task<NodeActionResult> KillAsync(NodeCrash why, CancellationToken cancellationToken) => node.KillAsync(cancellationToken);
}

/// <summary>Elsewhere: POST /node/kill on Paris's agent, by service name (http://agent-paris).</summary>
public sealed class RemoteCoordinatorNode(HttpClient http, SiteAgentOptions site) : ICoordinatorNode
{
    public async Task<NodeActionResult> KillAsync(NodeCrash why, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync($"http://{site.CoordinatorAgent}{AgentRoutes.NodeKill}", why, cancellationToken);
        }
        catch (Exception e) when (BriefCalls.IsUnanswered(e, cancellationToken))
        {
            throw new NodeControlException($"The coordinator's agent ({site.CoordinatorAgent}) did not answer ({e.Message}): is it running?", StatusCodes.Status502BadGateway);
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new NodeControlException(
                $"The coordinator's agent ({site.CoordinatorAgent}) could not kill its node: {await response.Content.ReadAsStringAsync(cancellationToken)}",
                (int)response.StatusCode);
        }

        return (await response.Content.ReadFromJsonAsync<NodeActionResult>(cancellationToken))!;
    }
}
