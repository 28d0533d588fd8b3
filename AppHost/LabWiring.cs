using MediAI.AppHost.Nodes;

namespace MediAI.AppHost;

/// <summary>The order the lab's resources start in.</summary>
public static class LabWiring
{
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
