using MediAI.AppHost.Containers;
using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Nodes;

/// <summary>The four nodes of the lab and how they run.</summary>
/// <param name="CoordinatorPort">The students' door (psql -p, DBeaver): Paris's agent listens there, in front of the Paris node.</param>
/// <param name="GatewayBind">Where the agents' gateways listen: only where the nodes reach them.</param>
public sealed record LabCluster(NodeMode Mode, IReadOnlyList<LabNode> Nodes, int CoordinatorPort, IReadOnlyList<string> GatewayBind, string Description)
{
    public LabNode Coordinator => Nodes.Single(n => n.Site.Role == SiteRole.Coordinator);

    /// <summary>What to tell a student whose nodes have no Citus (<paramref name="what"/>: "This PostgreSQL", "The image …").</summary>
    public static string NoCitusAdvice(string what, string getCitus) =>
        $"{what} has no Citus: the lab runs as plain PostgreSQL (schema and data on Paris). " +
        "Works without Citus: Part 1 fragmentation views, Part 4a PREPARE TRANSACTION on one node. " +
        "Needs Citus: Part 1 distribution and shard inspection, Part 2 replication, Part 3 distributed EXPLAIN, " +
        $"Part 4b/4c distributed two-phase commit. To get Citus: {getCitus}";

    /// <summary>Local mode's ways to Citus.</summary>
    public const string GetCitusLocally =
        "start Docker Desktop (or Podman) and run the lab again (container mode), or install the Citus 12.1 package for " +
        "your PostgreSQL (Debian/Ubuntu: postgresql-15-citus-12.1 from Citus's package repository; macOS: brew install citus).";

    /// <summary>Container mode's way to Citus: an image that has it.</summary>
    public static readonly string GetCitusInContainers =
        $"run the lab with the default image (leave out --Lab:Image, or --Lab:Image={NodeImage.Default}), or an image that sets CITUS_VERSION.";
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
        var mode = ResolveMode(builder, options, out var postgres, out var engine);
        var exercises = options.ExercisesFolder(builder);
        if (mode == NodeMode.Containers && !Directory.Exists(exercises))
        {
            // A bind mount of a folder that is not there: the engine would make an empty one, or refuse at the container's start.
            throw new LabSetupException(options.Exercises is null
                ? $"The repository's exercises/ folder is missing ({exercises}): the nodes show it as /exercises. Restore it (git checkout -- exercises), or give another folder with --Lab:Exercises=PATH."
                : $"--Lab:Exercises={options.Exercises}: no such folder ({exercises}). Give the folder of your exercises, or leave the option out (the repository's exercises/).");
        }

        var (noImage, imageSource) = mode == NodeMode.Containers && engine == EngineState.Running && builder.ExecutionContext.IsRunMode && options.CheckEngine
            ? NodeImageSource.Acquire(options, logger)
            : (null, "");
        if (noImage is not null)
        {
            // No image, so no container would ever start: local mode where it can run, else stop here.
            postgres = PostgresInstallation.Find(options.PostgresBin) ?? throw new LabSetupException(
                noImage + " (Local mode needs PostgreSQL 15+ server programs, and none were found on this machine.)");
            logger.LogCritical("{Problem}", noImage);
            logger.LogWarning("Continuing in local mode: the nodes run as PostgreSQL processes of {Bin}.", postgres.BinDir);
            mode = NodeMode.Local;
        }

        var coordinatorPort = ChooseCoordinatorPort(options, logger);

        // The nodes' own ports follow the students' door; gateways (site agents, on the host)
        // take ports well away from PostgreSQL's.
        var taken = new HashSet<int> { coordinatorPort };
        var sites = LabSites.Running(options.FifthSite);
        var nodePorts = sites.ToDictionary(s => s.Name, _ => Take(FreePorts.FirstFree(coordinatorPort + 1, taken), taken));
        var gatewayPorts = sites.ToDictionary(s => s.Name, _ => Take(FreePorts.FirstFree(coordinatorPort + GatewayPortOffset, taken), taken));

        if (mode == NodeMode.Containers)
        {
            var image = NodeImage.Inspect(options.Image);
            // Building the app model alone (CheckEngine=false: the app-model tests) touches nothing on the engine.
            if (engine == EngineState.Running && builder.ExecutionContext.IsRunMode && options.CheckEngine)
            {
                StaleContainers.Clear(logger);
                if (options.Volumes)
                {
                    LabVolumes.Prepare(options.VolumePrefix, image, options.Fresh, logger);
                }
            }

            if (!image.HasCitus)
            {
                logger.LogWarning("{Advice}", LabCluster.NoCitusAdvice($"The image {image.Reference}", LabCluster.GetCitusInContainers));
            }

            builder.AddNodeImageRow(image, imageSource);

            var nodes = sites
                .Select(site => builder.AddNodeContainer(site, options, image, nodePorts[site.Name], gatewayPorts[site.Name], coordinatorPort, password))
                .ToList();
            var kept = options.Volumes ? $"data kept in volumes {options.VolumePrefix}-<site>{(image.PostgresMajor is { } m ? $"-pg{m}" : "")}" : "data not kept (--Lab:Volumes=false)";
            return new LabCluster(mode, nodes, coordinatorPort, [.. HostAccess.GatewayBindAddresses()], $"containers, {image}, {kept}");
        }

        var dataRoot = Path.GetFullPath(options.DataDir ?? LocalDataDirectory.DefaultRoot());
        var localNodes = sites
            .Select(site => builder.AddLocalNode(site, postgres!, dataRoot, nodePorts[site.Name], gatewayPorts[site.Name], password))
            .ToList();

        if (!postgres!.HasCitus)
        {
            logger.LogWarning("{Advice}", LabCluster.NoCitusAdvice("This PostgreSQL", LabCluster.GetCitusLocally));
        }

        return new LabCluster(mode, localNodes, coordinatorPort, ["127.0.0.1"], $"local processes, {postgres}, data in {dataRoot}");
    }

    private static NodeMode ResolveMode(IDistributedApplicationBuilder builder, LabOptions options, out PostgresInstallation? postgres, out EngineState engine)
    {
        postgres = null;
        engine = options.Mode == NodeMode.Local ? EngineState.NotInstalled : ContainerRuntimeProbe.Check();
        if (options.Mode == NodeMode.Containers)
        {
            // Publishing a manifest, or building the app model in a test, needs no engine.
            if (engine != EngineState.Running && options.CheckEngine && builder.ExecutionContext.IsRunMode)
            {
                throw new LabSetupException(engine == EngineState.NotRunning
                    ? $"{ContainerRuntimeProbe.EngineNotRunning} {ContainerRuntimeProbe.OrLocalMode}"
                    : $"--Lab:Mode=containers needs Docker (or Podman), and {DockerCli.Runtime} is not installed. Install Docker Desktop " +
                      "(https://docs.docker.com/get-docker/), or run the nodes as local PostgreSQL processes: --Lab:Mode=local");
            }

            return NodeMode.Containers;
        }

        if (options.Mode == NodeMode.Auto && engine == EngineState.Running)
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
            : engine == EngineState.NotRunning
                ? $"{ContainerRuntimeProbe.EngineNotRunning} (No PostgreSQL server programs were found for local mode either.)"
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
