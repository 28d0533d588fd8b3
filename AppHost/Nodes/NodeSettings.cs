namespace MediAI.AppHost.Nodes;

/// <summary>
/// PostgreSQL settings every node gets, in both modes. Sized for a student laptop running four
/// nodes beside an IDE and Docker Desktop, and set for what the lab does.
/// </summary>
public static class NodeSettings
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    /// <summary>Server settings passed as <c>-c name=value</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Server(bool citus) =>
    [
        // Laptop-sized memory: four nodes must fit in a few hundred MB together.
        new("shared_buffers", "32MB"),
        new("work_mem", "4MB"),
        new("maintenance_work_mem", "32MB"),
        new("effective_cache_size", "256MB"),
        new("max_wal_size", "256MB"),
        new("min_wal_size", "32MB"),
        // Citus opens connections between nodes; 2PC needs prepared-transaction slots.
        new("max_connections", "80"),
        new("max_prepared_transactions", "80"),
        // Shard moves (placing each country at its site) use logical replication.
        new("wal_level", "logical"),
        new("max_replication_slots", "16"),
        new("max_wal_senders", "16"),
        .. (citus ? CitusSettings : []),
    ];

    private static readonly KeyValuePair<string, string>[] CitusSettings =
    [
        new("shared_preload_libraries", "citus"),
        // Inter-node traffic in clear text on loopback / the container network, so site agents
        // can read the protocol (README: "Inter-node SSL is off").
        // tcp_user_timeout: an open link whose data goes unanswered is dropped after LabTimeouts.Network.
        new("citus.node_conninfo", $"sslmode=disable tcp_user_timeout={(int)LabTimeouts.Network.TotalMilliseconds}"),
        // Paris runs its own shards' work through its registered address (its agent's gateway)
        // instead of in-process, so Paris's part of a query or 2PC shows in the trace too.
        new("citus.enable_local_execution", "off"),
        // SET LOCAL mediai.traceparent = '…' rides along to every worker a transaction touches.
        new("citus.propagate_set_commands", "local"),
        // No automatic 2PC recovery (Citus's default: every 60 s): a transaction left in doubt
        // by a failed site waits for the student's recover_prepared_transactions().
        new("citus.recover_2pc_interval", "-1"),
        // A site that does not answer a new link fails the statement after 5 s, naming the node,
        // instead of Citus's 30 s (README "How long a failure takes").
        new("citus.node_connection_timeout", ((int)LabTimeouts.Connect.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    public static IEnumerable<string> AsArgs(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.SelectMany(s => new[] { "-c", $"{s.Key}={s.Value}" });
}
