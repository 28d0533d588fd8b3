using MediAI.Coordinator.Bootstrap;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Four real PostgreSQL servers with Citus (Paris, Tunis, Montréal, Tokyo) formed by the lab's
/// bootstrap once for the Citus tier. Starts nothing where no Citus is installed.
/// </summary>
public sealed class CitusCluster : IAsyncLifetime
{
    public IReadOnlyList<TestPostgres> Nodes { get; private set; } = [];
    public BootstrapReport? FirstRun { get; private set; }

    public TestPostgres Coordinator => Nodes[0];

    public ClusterBootstrapper Bootstrapper() => new(LabConfig.For(Nodes), NullLogger<ClusterBootstrapper>.Instance);

    public async ValueTask InitializeAsync()
    {
        if (Installations.Citus is not { } citus)
        {
            return;
        }

        Nodes = await Task.WhenAll(new[] { "paris", "tunis", "montreal", "tokyo" }.Select(n => TestPostgres.StartAsync(citus, n)));
        FirstRun = await Bootstrapper().RunAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
