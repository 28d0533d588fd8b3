namespace MediAI.Coordinator.Cluster;

/// <summary>
/// Starts a site's node again through its agent (POST /node/start), which answers once the node
/// accepts connections. Apart from <see cref="AgentClient"/>: a start takes seconds (a container,
/// then PostgreSQL's crash recovery), beyond the brief resilience's 2 s a try, and must not be retried
/// blindly either.
/// </summary>
public sealed class AgentNodeClient(HttpClient http)
{
    public async Task StartAsync(LabSite site, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"http://{site.AgentName}{AgentRoutes.NodeStart}"), null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The {site.City} node could not be started again: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
