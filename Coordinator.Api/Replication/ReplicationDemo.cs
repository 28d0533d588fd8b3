using System.Diagnostics;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Replication;

/// <summary>Where one shard of the replicated table is stored.</summary>
public sealed record Placement(long ShardId, string Site, string City, int ShardState);

/// <summary>What a read or a write did while some site may be down.</summary>
public sealed record Attempt(string Operation, bool Succeeded, string? Error, string? SqlState);

/// <summary>
/// Handout Part 2, as it really works: a copy of Patients distributed with replication factor 2
/// (set before distributing — afterwards it changes nothing), its placements per site, and what
/// reads and writes do when one of its sites is down (reads fail over to the other replica; writes fail).
/// </summary>
public sealed class ReplicationDemo(NpgsqlDataSource dataSource, IOptions<LabClusterOptions> options)
{
    public const string Table = "patients_replicated";
    public static readonly ActivitySource Source = new("MediAI.Coordinator.Replication");
    private readonly LabClusterOptions _lab = options.Value;

    public async Task<IReadOnlyList<Placement>> CreateAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("replication demo: create");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CitusRequiredException.ThrowIfMissingAsync(connection, "Replication across sites", cancellationToken);
        await using (var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = to_regclass('{Table}')", connection))
        {
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                // The factor must be set before distributing, and a new colocation group is needed:
                // with colocate_with an existing group the factor is ignored.
                await using var create = new NpgsqlCommand($"""
                    SET citus.shard_replication_factor = 2;
                    SET citus.shard_count = 4;
                    CREATE TABLE IF NOT EXISTS {Table} (LIKE patients INCLUDING ALL);
                    SELECT create_distributed_table('{Table}', 'country', colocate_with => 'none');
                    INSERT INTO {Table} SELECT * FROM patients;
                    RESET citus.shard_replication_factor;
                    RESET citus.shard_count;
                    """, connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return await PlacementsAsync(connection, cancellationToken);
    }

    /// <summary>A read of every row, and a write (rolled back) to every shard: which succeed now.</summary>
    public async Task<(IReadOnlyList<Attempt> Attempts, IReadOnlyList<Placement> Placements)> ProbeAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("replication demo: probe");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CitusRequiredException.ThrowIfMissingAsync(connection, "Replication across sites", cancellationToken);
        var attempts = new List<Attempt>
        {
            await AttemptAsync(connection, "read: SELECT count(*) of every shard", $"SELECT count(*) FROM {Table}", cancellationToken),
            await AttemptAsync(connection, "write: UPDATE every shard (rolled back)", $"BEGIN; UPDATE {Table} SET age = age; ROLLBACK", cancellationToken),
        };
        return (attempts, await PlacementsAsync(connection, cancellationToken));
    }

    private async Task<Attempt> AttemptAsync(NpgsqlConnection connection, string operation, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 20 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new Attempt(operation, true, null, null);
        }
        catch (PostgresException e)
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(cancellationToken);
            }

            return new Attempt(operation, false, _lab.NameSites(e.MessageText), e.SqlState);
        }
    }

    private async Task<IReadOnlyList<Placement>> PlacementsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT p.shardid, n.nodename, n.nodeport, p.shardstate
            FROM pg_dist_shard s JOIN pg_dist_shard_placement p USING (shardid)
            JOIN pg_dist_node n ON n.nodename = p.nodename AND n.nodeport = p.nodeport
            WHERE s.logicalrelid = '{Table}'::regclass ORDER BY p.shardid, n.nodeport
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var placements = new List<Placement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var node = _lab.Nodes.FirstOrDefault(n => n.ClusterHost == reader.GetString(1) && n.ClusterPort == reader.GetInt32(2));
            placements.Add(new Placement(reader.GetInt64(0), node?.Site ?? "unknown", node?.City ?? "", reader.GetInt32(3)));
        }

        return placements;
    }
}
