using MediAI.Coordinator.Core.Cluster;
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
        await using (var create = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {Table} (site text PRIMARY KEY, nodename text NOT NULL, nodeport integer NOT NULL)", coordinator))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var spare in spares)
        {
            // A spare in the cluster (5.5 under way) whose address changed since the last run is
            // followed, as init-cluster.sql follows the four sites' nodes.
            await using var follow = new NpgsqlCommand($"""
                SELECT citus_update_node(n.nodeid, $2, $3) FROM {Table} s JOIN pg_dist_node n ON n.nodename = s.nodename AND n.nodeport = s.nodeport
                WHERE s.site = $1 AND (s.nodename, s.nodeport) IS DISTINCT FROM ($2, $3)
                """, coordinator)
            {
                Parameters = { new() { Value = spare.City }, new() { Value = spare.ClusterHost }, new() { Value = spare.ClusterPort } },
            };
            await follow.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var batch = new NpgsqlBatch(coordinator) { BatchCommands = { new($"TRUNCATE {Table}") } };
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
