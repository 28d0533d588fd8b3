namespace MediAI.Lab;

/// <summary>
/// What the coordinator API and the bootstrap are told (configuration section "Lab", written by
/// AppHost/LabSettings.cs). Each site's node itself comes as the connection string named after
/// the site (WithReference to the node): ConnectionStrings:paris, ConnectionStrings:tokyo…
/// In external mode there is one connection string instead, the existing cluster's coordinator
/// (ConnectionStrings:coordinator), and the sites are found in its metadata.
/// </summary>
public sealed class CoordinatorOptions
{
    public const string Section = "Lab";

    /// <summary>External mode's connection string name: the existing Citus cluster's coordinator.</summary>
    public const string ExternalCoordinator = "coordinator";

    /// <summary>The folder holding schema-mediAI.sql, init-cluster.sql and seed-mediAI.sql.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>full, or schema (stop after the schema so students distribute the tables).</summary>
    public string Bootstrap { get; set; } = "full";

    /// <summary>The data generator refuses a load that would leave any node's disk with less than this free (MB).</summary>
    public long KeepFreeDiskMegabytes { get; set; } = 1024;

    /// <summary>
    /// By site name, "host:port" where the other nodes reach that site's node: its agent's gateway,
    /// which Citus registers in pg_dist_node. A site left out is reached at its node's own address.
    /// </summary>
    public Dictionary<string, string> ClusterAddresses { get; set; } = [];

    /// <summary>
    /// true: the nodes are an existing Citus cluster (--Lab:Mode=external), reached through
    /// ConnectionStrings:coordinator; the lab works in a database of its own there.
    /// </summary>
    public bool External { get; set; }

    /// <summary>External mode: the coordinator's password (the AppHost's secret parameter), kept out of the connection string.</summary>
    public string? CoordinatorPassword { get; set; }

    /// <summary>
    /// External mode: the bootstrap may drop a mediAI database, and take over a lab_reader role,
    /// that it did not make (otherwise it refuses, naming them: nothing destructive unasked).
    /// </summary>
    public bool Overwrite { get; set; }
}
