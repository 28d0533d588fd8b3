using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Nodes;

/// <summary>The four nodes of the lab and how they run.</summary>
public sealed record LabCluster(NodeMode Mode, IReadOnlyList<LabNode> Nodes, int CoordinatorPort, string Description)
{
    public LabNode Coordinator => Nodes.Single(n => n.Site.Role == SiteRole.Coordinator);

    /// <summary>What to tell a student whose local PostgreSQL has no Citus.</summary>
    public const string NoCitusAdvice =
        "This PostgreSQL has no Citus: the lab runs as plain PostgreSQL (schema and data on Paris). " +
        "Works without Citus: Part 1 fragmentation views, Part 4a PREPARE TRANSACTION on one node. " +
        "Needs Citus: Part 1 distribution and shard inspection, Part 2 replication, Part 3 distributed EXPLAIN, " +
        "Part 4b/4c distributed two-phase commit. To get Citus: start Docker Desktop (or Podman) and run the lab again " +
        "(container mode), or install the Citus 12.1 package for your PostgreSQL (Debian/Ubuntu: postgresql-15-citus-12.1 " +
        "from Citus's package repository; macOS: brew install citus).";
}

public static class LabClusterBuilder
{
    public const int DefaultCoordinatorPort = 5432;

    /// <summary>Gateway ports start here, above the coordinator's: 5532, 5533, … by default.</summary>
    public const int GatewayPortOffset = 100;

    private static int Take(int port, HashSet<int> taken)
    {
        taken.Add(port);
        return port;
    }

    /// <summary>Adds the four nodes, as containers or local processes (see <see cref="LabOptions.Mode"/>).</summary>
    public static LabCluster AddLabCluster(this IDistributedApplicationBuilder builder, LabOptions options, IResourceBuilder<ParameterResource> password, ILogger logger)
    {
        var mode = ResolveMode(options, out var postgres);
        var coordinatorPort = ChooseCoordinatorPort(options, logger);

        // Gateways (site agents, on the host) take ports well away from PostgreSQL's.
        var taken = new HashSet<int> { coordinatorPort };
        var gatewayPorts = LabSites.All.ToDictionary(s => s.Name, _ => Take(FreePorts.FirstFree(coordinatorPort + GatewayPortOffset, taken), taken));

        if (mode == NodeMode.Containers)
        {
            var nodes = LabSites.All
                .Select(site => builder.AddCitusContainer(site, options, site.Role == SiteRole.Coordinator ? coordinatorPort : null, gatewayPorts[site.Name], password))
                .ToList();
            return new LabCluster(mode, nodes, coordinatorPort, $"containers ({ContainerNodes.Image}:{options.CitusImageTag})");
        }

        var dataRoot = Path.GetFullPath(options.DataDir ?? LocalDataDirectory.DefaultRoot());
        var localNodes = new List<LabNode>();
        foreach (var site in LabSites.All)
        {
            var port = site.Role == SiteRole.Coordinator ? coordinatorPort : Take(FreePorts.FirstFree(coordinatorPort + 1, taken), taken);
            localNodes.Add(builder.AddLocalNode(site, postgres!, dataRoot, port, gatewayPorts[site.Name], password));
        }

        if (!postgres!.HasCitus)
        {
            logger.LogWarning("{Advice}", LabCluster.NoCitusAdvice);
        }

        return new LabCluster(mode, localNodes, coordinatorPort, $"local processes, {postgres}, data in {dataRoot}");
    }

    private static NodeMode ResolveMode(LabOptions options, out PostgresInstallation? postgres)
    {
        postgres = null;
        if (options.Mode == NodeMode.Containers)
        {
            return NodeMode.Containers;
        }

        if (options.Mode == NodeMode.Auto && ContainerRuntimeProbe.IsRunning(out _))
        {
            return NodeMode.Containers;
        }

        postgres = PostgresInstallation.Find(options.PostgresBin);
        if (postgres is not null)
        {
            return NodeMode.Local;
        }

        throw new LabSetupException(options.PostgresBin is { } bin
            ? $"No PostgreSQL server programs (postgres, initdb) in {bin}. Fix --Lab:PostgresBin, or remove it to search the usual places."
            : "The MediAI lab needs Docker (or Podman) running, or PostgreSQL 15+ server programs on this machine. " +
              "Install one of: Docker Desktop (https://docs.docker.com/get-docker/) and start it; or PostgreSQL 15+ " +
              "(Debian/Ubuntu: sudo apt-get install postgresql-15; macOS: brew install postgresql@15; Windows: the EDB installer). " +
              "Then run the lab again.");
    }

    private static int ChooseCoordinatorPort(LabOptions options, ILogger logger)
    {
        if (options.CoordinatorPort is { } pinned)
        {
            if (!FreePorts.IsFree(pinned))
            {
                throw new LabSetupException(
                    $"Port {pinned} (--Lab:CoordinatorPort) is already in use. Stop what holds it, or choose another port.");
            }

            return pinned;
        }

        var port = FreePorts.FirstFree(DefaultCoordinatorPort, new HashSet<int>());
        if (port != DefaultCoordinatorPort)
        {
            logger.LogWarning(
                "Port {Default} is taken (often the system's own PostgreSQL service): the coordinator uses port {Port} instead. " +
                "Connect psql/DBeaver to localhost:{Port}, or pin a port with --Lab:CoordinatorPort.",
                DefaultCoordinatorPort, port, port);
        }

        return port;
    }
}

/// <summary>The machine cannot run the lab as asked: the message says what to install or change.</summary>
public sealed class LabSetupException(string message) : Exception(message);
