namespace MediAI.AppHost.Nodes;

/// <summary>How a node looks in the dashboard, whichever way it runs (container or local process).</summary>
public static class NodeDisplay
{
    public static IResourceBuilder<T> WithNodeDisplay<T>(this IResourceBuilder<T> node, LabSite site, int hostPort)
        where T : IResourceWithEndpoints
    {
        // Its own port, past the students' door: statements sent here are not traced. Shown, because
        // the handout connects to workers directly; labelled, so no one mistakes it for the door.
        var role = site.Role switch
        {
            SiteRole.Coordinator => "coordinator",
            SiteRole.Worker => "worker",
            _ => "spare (Part 5.5)", // outside the cluster until the student adds it
        };
        return node
            .WithIconName("Database")
            .WithUrlForEndpoint(NodeSettings.EndpointName, url => url.DisplayText = $"{site.City} {role}, direct (untraced): localhost:{hostPort}");
    }
}
