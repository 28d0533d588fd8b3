using Microsoft.Extensions.Configuration;

namespace MediAI.AppHost;

/// <summary>How the nodes run: Citus containers, or PostgreSQL processes on this machine.</summary>
public enum NodeMode { Auto, Containers, Local }

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

    /// <summary>auto (containers when a container runtime is running), containers, or local.</summary>
    public NodeMode Mode { get; set; } = NodeMode.Auto;

    /// <summary>Pins the coordinator's host port. Unset: 5432, or the next free port when 5432 is taken.</summary>
    public int? CoordinatorPort { get; set; }

    /// <summary>
    /// citusdata/citus image tag. A patch tag, never "12.1": that tag moves (DESIGN.md).
    /// </summary>
    public string CitusImageTag { get; set; } = "12.1.10";

    /// <summary>Start with every site's WAN latency on (a dashboard command toggles it per site).</summary>
    public bool Wan { get; set; }

    /// <summary>Containers keep their data in named volumes across runs (opt-in).</summary>
    public bool Volumes { get; set; }

    /// <summary>Local mode: where each site's PostgreSQL data folder lives (outside git).</summary>
    public string? DataDir { get; set; }

    /// <summary>Local mode: the folder holding postgres and initdb, when they are not found on their own.</summary>
    public string? PostgresBin { get; set; }

    /// <summary>
    /// full: the cluster formed, tables distributed and placed, data loaded.
    /// schema: databases, extension and schema only, so students distribute the tables themselves (handout Part 1).
    /// </summary>
    public string Bootstrap { get; set; } = "full";

    public static LabOptions From(IConfiguration configuration)
    {
        var options = new LabOptions();
        configuration.GetSection("Lab").Bind(options);
        return options;
    }
}
