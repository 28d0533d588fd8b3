using MediAI.Coordinator.Cluster;
using Npgsql;

namespace MediAI.Coordinator.Bootstrap;

/// <summary>
/// lab_spare_sites: where the cluster's nodes reach each spare site's node (Dakar, with
/// --Lab:FifthSite=true), so Part 5.5 adds it by name — SELECT citus_add_node(nodename, nodeport)
/// FROM lab_spare_sites — without copying an address from the dashboard. Always created, so the
/// exercise's first query answers (with no row) when the lab runs without its fifth site.
/// </summary>
public static class SpareSites
{
    public const string Table = "lab_spare_sites";

    public static async Task RecordAsync(NpgsqlConnection coordinator, IEnumerable<LabNodeOptions> spares, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(coordinator)
        {
            BatchCommands =
            {
                new($"CREATE TABLE IF NOT EXISTS {Table} (site text PRIMARY KEY, nodename text NOT NULL, nodeport integer NOT NULL)"),
                new($"TRUNCATE {Table}"),
            },
        };
        foreach (var spare in spares)
        {
            batch.BatchCommands.Add(new($"INSERT INTO {Table} VALUES ($1, $2, $3)")
            {
                Parameters = { new() { Value = spare.City }, new() { Value = spare.ClusterHost }, new() { Value = spare.ClusterPort } },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
