using MediAI.AppHost;
using MediAI.Coordinator.Core.Cluster;
using Microsoft.Extensions.Options;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>Builds the coordinator's "Lab" configuration for servers a test started.</summary>
public static class LabConfig
{
    /// <summary>The lab's four sites, served by <paramref name="servers"/> in LabSites order (a fifth server: the spare site, Dakar).</summary>
    /// <param name="gateways">Site agents in front of the servers, same order: the nodes are then registered under them.</param>
    public static IOptions<LabClusterOptions> For(IReadOnlyList<TestPostgres> servers, string? dataDir = null, string bootstrap = "full", IReadOnlyList<TestAgent>? gateways = null) =>
        Options.Create(new LabClusterOptions
        {
            Password = TestPostgres.Password,
            DataDir = dataDir ?? Installations.DataDir,
            Bootstrap = bootstrap,
            Nodes = [.. LabSites.Running(withSpare: true).Zip(servers).Select((pair, i) => LabNodeOptions.For(
                pair.First, "127.0.0.1", pair.Second.Port, "127.0.0.1", gateways?[i].Gateway.Port ?? pair.Second.Port))],
        });
}
