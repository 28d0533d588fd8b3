using MediAI.SiteAgents.Node;

namespace MediAI.SiteAgents.Api;

/// <summary>
/// The agent's own node: POST /node/kill (a crash; optional body: who asked, the 2PC moment, the
/// gid — what a crash fault at another site sends), /node/stop, /node/start. A node that cannot
/// do it is a problem+json naming the site, with the node's last log lines when they say why.
/// </summary>
public static class NodeEndpoints
{
    public static IEndpointRouteBuilder MapNodeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(AgentRoutes.NodeKill, (HttpRequest request, NodeCrashes crashes, CancellationToken cancellationToken) =>
            ActAsync(async () => await crashes.KillOwnAsync(await WhyAsync(request, cancellationToken))));
        app.MapPost(AgentRoutes.NodeStop, (INodeControl node, CancellationToken cancellationToken) => ActAsync(() => node.StopAsync(cancellationToken)));
        app.MapPost(AgentRoutes.NodeStart, (INodeControl node, CancellationToken cancellationToken) => ActAsync(() => node.StartAsync(cancellationToken)));
        return app;
    }

    // The body is optional: a kill by hand (curl -X POST, a dashboard command) sends none.
    private static async Task<NodeCrash> WhyAsync(HttpRequest request, CancellationToken cancellationToken) =>
        request.ContentLength > 0 && request.HasJsonContentType()
            ? await request.ReadFromJsonAsync<NodeCrash>(cancellationToken) ?? NodeCrash.ByHand
            : NodeCrash.ByHand;

    private static async Task<IResult> ActAsync(Func<Task<NodeActionResult>> act)
    {
        try
        {
            return Results.Ok(await act());
        }
        catch (NodeControlException e)
        {
            return Results.Problem(
                e.Message,
                statusCode: e.StatusCode,
                title: "The node could not do that.",
                extensions: e.LogTail.Count > 0 ? new Dictionary<string, object?> { ["logTail"] = e.LogTail } : null);
        }
    }
}
