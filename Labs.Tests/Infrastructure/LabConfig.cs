using MediAI.AppHost;
using MediAI.Coordinator.Cluster;
using Microsoft.Extensions.Options;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>Builds the coordinator's "Lab" configuration for servers a test started.</summary>
public static class LabConfig
{
    /// <summary>The lab's four sites, served by <paramref name="servers"/> in LabSites order.</summary>
    public static IOptions<LabClusterOptions> For(IReadOnlyList<TestPostgres> servers, string? dataDir = null, string bootstrap = "full") =>
        Options.Create(new LabClusterOptions
        {
            Password = TestPostgres.Password,
            DataDir = dataDir ?? Installations.DataDir,
            Bootstrap = bootstrap,
            Nodes = LabSites.All.Zip(servers, (site, server) => new LabNodeOptions
            {
                Site = site.Name,
                City = site.City,
                Country = site.Country,
                SiteOrigin = site.SiteOrigin,
                Role = site.Role.ToString(),
                Host = "127.0.0.1",
                Port = server.Port,
                ClusterHost = "127.0.0.1",
                ClusterPort = server.Port,
            }).ToList(),
        });
}
