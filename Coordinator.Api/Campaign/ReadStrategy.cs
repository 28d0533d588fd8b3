namespace MediAI.Coordinator.Campaign;

/// <summary>
/// How a campaign's readers read both legs (--read-strategy), as data: what each sends before and
/// after the one SELECT. Measured side by side on the same seed, to learn which ways of reading
/// avoid fractured reads on Citus and at what cost — a remedy that sounds right and does not work
/// is reported with its number.
/// </summary>
/// <param name="Before">Statements sent first, in the reader's session (a transaction opened here is closed by <paramref name="After"/>).</param>
/// <param name="Journal">The writers also record both legs in the journal, distributed by transfer (one transfer, one shard), and the readers read it instead of the legs at their sites.</param>
public sealed record ReadStrategy(string Name, string Description, string[] Before, string[] After, bool Journal = false)
{
    /// <summary>Where the readers read both legs from.</summary>
    public string Table => $"{CampaignStore.Schema}.{(Journal ? "journal" : "legs")}";

    public const string Default = "read-committed";

    public static readonly IReadOnlyList<ReadStrategy> All =
    [
        new(Default, "one statement, READ COMMITTED (psql's default)", [], []),
        new("repeatable-read", "one statement in a REPEATABLE READ transaction", ["BEGIN ISOLATION LEVEL REPEATABLE READ"], ["COMMIT"]),
        new("lock-table-share", "LOCK TABLE legs IN SHARE MODE, then the statement, in one transaction (conflicts with the writers' ROW EXCLUSIVE)",
            ["BEGIN", $"LOCK TABLE {CampaignStore.Schema}.legs IN SHARE MODE"], ["COMMIT"]),
        new("lock-pg-dist-transaction", "LOCK pg_dist_transaction IN SHARE MODE on the coordinator, then the statement (citusdata/citus#6489's idea by hand; needs its owner or a superuser)",
            ["BEGIN", "LOCK pg_dist_transaction IN SHARE MODE"], ["COMMIT"]),
        // Citus's unit of snapshot isolation is the shard (citusdata/citus#7366): two rows in one shard
        // are committed, and read, together — whatever the statement, a router query or all shards.
        new("one-shard-group", "both legs also written to a journal distributed by transfer (one shard per transfer), read from it in one statement",
            [], [], Journal: true),
    ];

    public static ReadStrategy? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
