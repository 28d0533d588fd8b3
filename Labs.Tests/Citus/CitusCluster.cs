using MediAI.AppHost;
using MediAI.AppHost.Setup;
using MediAI.Coordinator.Bootstrap;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

[assembly: AssemblyFixture(typeof(MediAI.Labs.Tests.Citus.CitusCluster))]

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// The lab's cluster for the Citus tier: four real PostgreSQL servers with Citus (Paris, Tunis,
/// Montréal, Tokyo), a real site agent in front of each, the nodes registered under the agents'
/// gateways, formed by the lab's bootstrap; and the spare fifth site (Dakar) beside it, prepared
/// but outside the cluster, as --Lab:FifthSite=true starts it. Starts nothing where no Citus is installed.
/// </summary>
public sealed class CitusCluster : IAsyncLifetime
{
    /// <summary>Tests sharing this cluster's data run one at a time.</summary>
    public const string Collection = "Citus cluster";

    public IReadOnlyList<TestPostgres> Nodes { get; private set; } = [];
    public IReadOnlyList<TestAgent> Agents { get; private set; } = [];
    public BootstrapReport? FirstRun { get; private set; }

    public TestPostgres Coordinator => Nodes[0];

    public ClusterBootstrapper Bootstrapper() => new(LabConfig.For(Nodes, gateways: Agents), NullLogger<ClusterBootstrapper>.Instance);

    public TestPostgres Node(string site) => Nodes[Index(site)];

    public TestAgent Agent(string site) => Agents[Index(site)];

    private static readonly IReadOnlyList<LabSite> Sites = LabSites.Running(withSpare: true);

    private static int Index(string site) => Sites.ToList().FindIndex(s => s.Name == site);

    public async ValueTask InitializeAsync()
    {
        if (Installations.Citus is not { } citus)
        {
            return;
        }

        try
        {
            Nodes = await TestPostgres.StartManyAsync(citus, Sites.Select(s => s.Name));
            // As in the lab: Paris's agent keeps the students' door, the others ask it by name.
            var paris = await TestAgent.StartAsync(Nodes[0], LabSites.Coordinator.Name, LabSites.Coordinator.City, clientPort: TestPorts.ForServer());
            var workers = await Task.WhenAll(Sites.Skip(1).Select((s, i) =>
                TestAgent.StartAsync(Nodes[i + 1], s.Name, s.City, doorKeeper: (LabSites.Coordinator.AgentName, paris.Http.BaseAddress!))));
            Agents = [paris, .. workers];
            FirstRun = await Bootstrapper().RunAsync(CancellationToken.None);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization failed: leave nothing running.
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
