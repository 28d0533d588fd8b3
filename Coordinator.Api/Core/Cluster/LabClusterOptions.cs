using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MediAI.Coordinator.Core.Cluster;

/// <summary>
/// The cluster as this process sees it: every site's node (LabSites), where this process reaches
/// it (the connection string named after the site) and where the other nodes do
/// (<see cref="CoordinatorOptions.ClusterAddresses"/>). Resolved by <see cref="ResolveAsync"/>, for the mode the lab runs in.
/// </summary>
public sealed class LabClusterOptions
{
    public List<LabNodeOptions> Nodes { get; set; } = [];
    public string Password { get; set; } = "postgres";
    public string UserName { get; set; } = "postgres";

    /// <summary>The folder holding schema-mediAI.sql, init-cluster.sql and seed-mediAI.sql.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>full, or schema (stop after the schema so students distribute the tables).</summary>
    public string Bootstrap { get; set; } = "full";

    /// <summary>The data generator refuses a load that would leave any node's disk with less than this free (MB).</summary>
    public long KeepFreeDiskMegabytes { get; set; } = 1024;

    /// <summary>
    /// The nodes are an existing Citus cluster (--Lab:Mode=external): the lab works in its own
    /// database there and changes nothing else (Coordinator.Api/External/).
    /// </summary>
    public bool External { get; set; }

    /// <summary>External mode: the bootstrap may replace a mediAI database or lab_reader role it did not make.</summary>
    public bool Overwrite { get; set; }

    /// <summary>External mode: some nodes are registered under an agent's gateway (Lab:ClusterAddresses), so Citus's links cross agents.</summary>
    public bool ThroughAgents { get; set; }

    /// <summary>The database every node already has, where the lab creates (and drops) its own: postgres, or the external cluster's.</summary>
    public string MaintenanceDatabase { get; set; } = "postgres";

    /// <summary>
    /// Connection settings every connection starts from (external mode: TLS, its root
    /// certificate, anything the cluster's own connection string says); host, port, database,
    /// user and password are then the node's. Empty: Npgsql's defaults.
    /// </summary>
    public string Template { get; set; } = "";

    public LabNodeOptions Coordinator => Nodes.Single(n => n.Role == SiteRole.Coordinator);

    public IEnumerable<LabNodeOptions> Workers => Nodes.Where(n => n.Role == SiteRole.Worker);

    /// <summary>The fifth site's node when the lab started it (--Lab:FifthSite=true): prepared, never added to the cluster.</summary>
    public IEnumerable<LabNodeOptions> Spares => Nodes.Where(n => n.Role == SiteRole.Spare);

    /// <summary>
    /// The cluster this program works on — the one place the mode is chosen. The lab's own nodes
    /// (the AppHost gave each site's connection string: <see cref="FromOwnNodes"/>), or with
    /// Lab:External (--Lab:Mode=external) an existing cluster, found and checked behind
    /// ConnectionStrings:coordinator (<see cref="ExternalCluster.ResolveAsync"/>). A missing or
    /// wrong setting, or a cluster the lab cannot use, is a <see cref="LabSettingException"/> saying what to fix.
    /// </summary>
    public static Task<LabClusterOptions> ResolveAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var settings = configuration.GetSection(CoordinatorOptions.Section).Get<CoordinatorOptions>() ?? new CoordinatorOptions();
        return settings.External
            ? ExternalCluster.ResolveAsync(configuration, settings, cancellationToken)
            : Task.FromResult(FromOwnNodes(configuration, settings));
    }

    /// <summary>The lab's own nodes' resolver: reads the contract, or stops the program naming the missing or wrong setting.</summary>
    private static LabClusterOptions FromOwnNodes(IConfiguration configuration, CoordinatorOptions settings)
    {
        // The four sites always; the spare (Dakar) when the AppHost gave its node (--Lab:FifthSite=true).
        var sites = LabSites.All.Concat(LabSites.Spare.Where(s => configuration.GetConnectionString(s.Name) is not null)).ToList();
        var addresses = sites.ToDictionary(site => site.Name, site => NodeAddress.From(configuration, site.Name));
        var coordinator = addresses[LabSites.Coordinator.Name];
        return new LabClusterOptions
        {
            Password = coordinator.Password,
            UserName = coordinator.UserName,
            DataDir = settings.DataDir,
            Bootstrap = settings.Bootstrap,
            KeepFreeDiskMegabytes = settings.KeepFreeDiskMegabytes,
            Nodes = [.. sites.Select(site =>
            {
                var node = addresses[site.Name];
                var (clusterHost, clusterPort) = settings.ClusterAddresses.TryGetValue(site.Name, out var address)
                    ? ParseAddress(site.Name, address)
                    : (node.Host, node.Port);
                return LabNodeOptions.For(site, node.Host, node.Port, clusterHost, clusterPort);
            })],
        };
    }

    public static (string Host, int Port) ParseAddress(string site, string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address[(colon + 1)..], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65_535
            ? (address[..colon], port)
            : throw new LabSettingException(
                $"Setting {CoordinatorOptions.Section}:{nameof(CoordinatorOptions.ClusterAddresses)}:{site} = '{address}' is not host:port. {LabSettingException.StartThroughAppHost}");
    }

    /// <summary>The read-only role the query API runs users' SQL as (data/roles-mediAI.sql).</summary>
    public const string ReaderRole = "lab_reader";

    public string ConnectionString(LabNodeOptions node, string database, string? userName = null) => new NpgsqlConnectionStringBuilder(Template)
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

    /// <summary>
    /// The sites with a site agent. The lab's own nodes: all. An existing cluster (external mode):
    /// those whose agent was registered (--Lab:Agents:tokyo=http://…, service discovery's services:agent-tokyo).
    /// </summary>
    public HashSet<string> AgentSites { get; set; } = [.. LabSites.Running(withSpare: true).Select(s => s.Name)];

    /// <summary>Why a job that injects faults through the site agents cannot run (an existing cluster without an agent at every site), or null.</summary>
    public string? NoAgentsRefusal(string what) => LabSites.All.Where(s => !AgentSites.Contains(s.Name)).Select(s => s.City).ToList() is { Count: > 0 } missing
        ? $"{what} needs a site agent at every site: its faults are injected by each site's gateway, and this lab runs on an existing cluster without one at {string.Join(", ", missing)}. " +
          "Run it on the lab's own nodes (dotnet run --project AppHost), or run an agent beside each node and register it (README, \"Site agents beside the cluster's nodes\")."
        : null;

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
/// <param name="Site">The site's name (paris, tokyo… in the lab; lab_sites.site when the checker reads the database).</param>
/// <param name="Host">Host this process connects to.</param>
/// <param name="ClusterHost">Host the nodes use for each other (registered in pg_dist_node).</param>
public sealed record LabNodeOptions(
    string Site, string City, string Country, string SiteOrigin, SiteRole Role, string Host, int Port, string ClusterHost, int ClusterPort)
{
    public static LabNodeOptions For(LabSite site, string host, int port, string clusterHost, int clusterPort) =>
        new(site.Name, site.City, site.Country, site.SiteOrigin, site.Role, host, port, clusterHost, clusterPort);

    public override string ToString() => $"{City} ({Host}:{Port})";
}
