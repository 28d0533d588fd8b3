using Npgsql;

namespace MediAI.Coordinator.Cluster;

/// <summary>
/// The cluster as the AppHost describes it (configuration section "Lab", see AppHost/LabWiring.cs).
/// </summary>
public sealed class LabClusterOptions
{
    public const string Section = "Lab";

    public List<LabNodeOptions> Nodes { get; set; } = [];
    public string Password { get; set; } = "postgres";
    public string UserName { get; set; } = "postgres";

    /// <summary>The folder holding schema-mediAI.sql, init-cluster.sql and seed-mediAI.sql.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>full, or schema (stop after the schema so students distribute the tables).</summary>
    public string Bootstrap { get; set; } = "full";

    public LabNodeOptions Coordinator =>
        Nodes.Where(n => n.Role == "Coordinator").ToList() is [var coordinator]
            ? coordinator
            : throw new LabSettingException(OneCoordinator);

    private static string OneCoordinator =>
        $"Setting {Section}:Nodes needs exactly one node with Role=Coordinator. {LabSettingException.StartThroughAppHost}";

    public IEnumerable<LabNodeOptions> Workers => Nodes.Where(n => n.Role != "Coordinator");

    /// <summary>Stops a program that was started without the cluster, naming what is missing.</summary>
    public LabClusterOptions Validate()
    {
        if (Nodes.Count == 0)
        {
            throw new LabSettingException($"Setting {Section}:Nodes is missing (no node of the cluster). {LabSettingException.StartThroughAppHost}");
        }

        _ = Coordinator; // exactly one

        for (var i = 0; i < Nodes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Nodes[i].Host) || Nodes[i].Port is <= 0 or > 65_535)
            {
                throw new LabSettingException($"Setting {Section}:Nodes:{i} ({Nodes[i].Site}) needs a Host and a Port from 1 to 65535. {LabSettingException.StartThroughAppHost}");
            }
        }

        return this;
    }

    /// <summary>The read-only role the query API runs users' SQL as (data/roles-mediAI.sql).</summary>
    public const string ReaderRole = "lab_reader";

    public string ConnectionString(LabNodeOptions node, string database, string? userName = null) => new NpgsqlConnectionStringBuilder
    {
        Host = node.Host,
        Port = node.Port,
        Username = userName ?? UserName,
        Password = Password,
        Database = database,
        ApplicationName = "mediai-lab",
        Timeout = 10,
        // Shard moves and tenant isolation on a laptop can take a while.
        CommandTimeout = 300,
    }.ConnectionString;

    /// <summary>A short, unpooled connection to ask one node directly whether it answers.</summary>
    public string ProbeConnectionString(LabNodeOptions node) =>
        new NpgsqlConnectionStringBuilder(ConnectionString(node, LabSites.Database)) { Timeout = 3, Pooling = false }.ConnectionString;

    /// <summary>What to do when the coordinator's node does not answer (its container or process stopped).</summary>
    public string CoordinatorDownAdvice =>
        $"Is the {Coordinator.City} node running? Start its resource ({Coordinator.Site}) in the dashboard, then try again.";

    /// <summary>Adds the site's name wherever a node's address appears in a message.</summary>
    public string NameSites(string message)
    {
        foreach (var node in Nodes)
        {
            // Where the nodes reach it (Citus's messages) and where this process does (Npgsql's).
            message = message.Replace($"{node.ClusterHost}:{node.ClusterPort}", $"{node.ClusterHost}:{node.ClusterPort} [{node.City}]", StringComparison.Ordinal);
            if ((node.Host, node.Port) != (node.ClusterHost, node.ClusterPort))
            {
                message = message.Replace($"{node.Host}:{node.Port}", $"{node.Host}:{node.Port} [{node.City}]", StringComparison.Ordinal);
            }
        }

        return message;
    }
}

/// <summary>One site's node: where this process reaches it, and where the other nodes do.</summary>
public sealed class LabNodeOptions
{
    public string Site { get; set; } = "";
    public string City { get; set; } = "";
    public string Country { get; set; } = "";
    public string SiteOrigin { get; set; } = "";
    public string Role { get; set; } = "Worker";

    /// <summary>Host and port this process connects to.</summary>
    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 5432;

    /// <summary>Host and port the nodes use for each other (registered in pg_dist_node).</summary>
    public string ClusterHost { get; set; } = "localhost";
    public int ClusterPort { get; set; } = 5432;

    public override string ToString() => $"{City} ({Host}:{Port})";
}
