namespace MediAI.Lab;

/// <summary>
/// What the coordinator API and the bootstrap are told (configuration section "Lab", written by
/// AppHost/LabSettings.cs). Each site's node itself comes as the connection string named after
/// the site (WithReference to the node): ConnectionStrings:paris, ConnectionStrings:tokyo…
/// </summary>
public sealed class CoordinatorOptions
{
    public const string Section = "Lab";

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
}
