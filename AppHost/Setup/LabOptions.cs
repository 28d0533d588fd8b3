using Microsoft.Extensions.Configuration;

namespace MediAI.AppHost.Setup;

/// <summary>How the nodes run: Citus containers, PostgreSQL processes on this machine, or an existing Citus cluster elsewhere.</summary>
public enum NodeMode { Auto, Containers, Local, External }

/// <summary>
/// The AppHost's switches, from the "Lab" configuration section:
/// <c>dotnet run --project AppHost -- --Lab:Mode=local --Lab:CoordinatorPort=5433</c>
/// or environment variables (<c>Lab__Mode=local</c>).
/// </summary>
public sealed class LabOptions
{
    /// <summary>The repository's data/ folder: the SQL scripts the bootstrap runs and students run by hand.</summary>
    public static string DataScripts(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "data"));

    /// <summary>
    /// Container mode: the folder the nodes see, read-only, as /exercises — so a student without psql
    /// runs a file with docker exec … psql -f /exercises/part1/… or \i /exercises/… (default: the
    /// repository's exercises/; a professor may give a copy holding other answers).
    /// </summary>
    public string? Exercises { get; set; }

    /// <summary>The folder mounted as /exercises: <see cref="Exercises"/>, or the repository's exercises/.</summary>
    public string ExercisesFolder(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Exercises ?? Path.Combine(builder.AppHostDirectory, "..", "exercises"));

    /// <summary>auto (containers when a container runtime is running), containers, local, or external (an existing Citus cluster: <see cref="Coordinator"/>).</summary>
    public NodeMode Mode { get; set; } = NodeMode.Auto;

    /// <summary>Pins the coordinator's host port. Unset: 5432, or the next free port when 5432 is taken.</summary>
    public int? CoordinatorPort { get; set; }

    /// <summary>
    /// The nodes' image in container mode (default citusdata/citus at a pinned patch tag). Any image
    /// with the official postgres image's contract works, e.g. the plain PostgreSQL image that
    /// scripts/build-node-image.sh builds from Debian's packages (mediai/postgres-node:15).
    /// </summary>
    public string Image { get; set; } = DefaultImage;

    /// <summary>PostgreSQL 16 with Citus 12.1 (the handout's Citus release line), from Docker Hub.</summary>
    public const string DefaultImage = "citusdata/citus:12.1.10";

    /// <summary>
    /// Container mode: a registry mirror to pull the image from when it is not here
    /// (--Lab:Registry=registry.example.edu:5000); the image is then tagged with its usual name.
    /// </summary>
    public string? Registry { get; set; }

    /// <summary>Container mode: a classroom offline kit to load the image from when it is not here (see <see cref="SaveImage"/>).</summary>
    public string? ImageFile { get; set; }

    /// <summary>Writes the node image (pulled first if needed) to this file as an offline kit, then exits.</summary>
    public string? SaveImage { get; set; }

    /// <summary>A pull that moves nothing for this many seconds ends with a message (then local mode, where possible).</summary>
    public int PullTimeout { get; set; } = 60;

    /// <summary>
    /// Also start the fifth site, Dakar (a node and an agent, LabSites.Spare), outside the cluster:
    /// Part 5.5 adds it, rebalances onto it with citus_rebalance_start, then drains and removes it.
    /// </summary>
    public bool FifthSite { get; set; }

    /// <summary>Until the lab is ready, a line every this many seconds naming what the start still waits for (0: none).</summary>
    public int StartProgressSeconds { get; set; } = 30;

    /// <summary>Start with every site's WAN latency on (a dashboard command toggles it per site).</summary>
    public bool Wan { get; set; }

    /// <summary>Container mode: the nodes keep their data in named volumes across runs (on by default).</summary>
    public bool Volumes { get; set; } = true;

    /// <summary>Container mode: delete the kept data first and start as on the first day (asks nothing more: the flag is the ask).</summary>
    public bool Fresh { get; set; }

    /// <summary>Container mode: the kept volumes are named &lt;prefix&gt;-&lt;site&gt;-pg&lt;major&gt;.</summary>
    public string VolumePrefix { get; set; } = "mediai-lab";

    /// <summary>
    /// Container mode: check the engine before starting (default): stop with a message when it is
    /// not running, replace stale containers, apply --Lab:Fresh. Off only to build the app model
    /// without touching any engine (the app-model tests).
    /// </summary>
    public bool CheckEngine { get; set; } = true;

    /// <summary>Local mode: where each site's PostgreSQL data folder lives (outside git).</summary>
    public string? DataDir { get; set; }

    /// <summary>Local mode: the folder holding postgres and initdb, when they are not found on their own.</summary>
    public string? PostgresBin { get; set; }

    /// <summary>
    /// full: the cluster formed, tables distributed and placed, data loaded.
    /// schema: databases, extension and schema only, so students distribute the tables themselves (handout Part 1).
    /// </summary>
    public string Bootstrap { get; set; } = "full";

    /// <summary>
    /// External mode: the existing cluster's coordinator, as an Npgsql connection string without its
    /// password ("Host=db1.example.edu;Port=5432;Username=citus;SSL Mode=Require"); the password is
    /// the secret parameter coordinator-password.
    /// </summary>
    public string? Coordinator { get; set; }

    /// <summary>
    /// External mode: site agents run beside the cluster's nodes, by site: their HTTP API
    /// (--Lab:Agents:tokyo=http://tokyo-host:5580), which the API calls for faults and status.
    /// </summary>
    public Dictionary<string, string> Agents { get; set; } = [];

    /// <summary>External mode: those agents' gateways, by site (--Lab:Gateways:tokyo=tokyo-host:6432): the lab registers the node there, in its own database.</summary>
    public Dictionary<string, string> Gateways { get; set; } = [];

    /// <summary>External mode: the bootstrap may drop a mediAI database, and take over a lab_reader role, that it did not make.</summary>
    public bool Overwrite { get; set; }

    public static LabOptions From(IConfiguration configuration)
    {
        var options = new LabOptions();
        configuration.GetSection("Lab").Bind(options);
        return options;
    }
}
