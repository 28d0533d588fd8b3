using MediAI.Coordinator.Core.Cluster;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Cluster;

/// <summary>What one site stores of one table.</summary>
public sealed record TableAtSite(string Table, long Shards, long Placements);

/// <summary>A site, its node, and what it stores.</summary>
public sealed record SiteMap(
    string Site, string City, string Role, string Country, string SiteOrigin,
    string RegisteredAs, string Direct, bool Reachable, string? Version, string? Citus, string? Error,
    IReadOnlyList<TableAtSite> Tables, AgentStatus? Agent);

/// <summary>The cluster as it is now, read from each node and from Citus's metadata.</summary>
public sealed class ClusterMap(IOptions<LabClusterOptions> options, AgentClient agents)
{
    private readonly LabClusterOptions _lab = options.Value;

    public async Task<IReadOnlyList<SiteMap>> ReadAsync(CancellationToken cancellationToken)
    {
        // Nodes and agents asked side by side: one that is down costs its timeout once, not per site.
        var probes = Task.WhenAll(_lab.Nodes.Select(n => ProbeAsync(n, cancellationToken)));
        var statuses = Task.WhenAll(_lab.Nodes.Select(n => AgentStatusAsync(n, cancellationToken)));
        var placements = await PlacementsAsync(cancellationToken);
        var (nodes, agentsNow) = (await probes, await statuses);
        return [.. _lab.Nodes.Select((node, i) => new SiteMap(
            node.Site, node.City, node.Role.ToString(), node.Country, node.SiteOrigin,
            $"{node.ClusterHost}:{node.ClusterPort}", $"{node.Host}:{node.Port}",
            nodes[i].Reachable, nodes[i].Version, nodes[i].Citus, nodes[i].Error,
            [.. placements.Where(p => p.Port == node.ClusterPort && p.Host == node.ClusterHost).Select(p => p.Table)],
            agentsNow[i]))];
    }

    /// <summary>No agent at a site of an existing cluster (external mode) unless one was registered.</summary>
    private async Task<AgentStatus?> AgentStatusAsync(LabNodeOptions node, CancellationToken cancellationToken) =>
        _lab.AgentSites.Contains(node.Site) && LabSites.Find(node.Site) is { } site ? await agents.StatusAsync(site, cancellationToken) : null;

    private async Task<(bool Reachable, string? Version, string? Citus, string? Error)> ProbeAsync(LabNodeOptions node, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_lab.ProbeConnectionString(node));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'citus')", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (true, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return (false, null, null, e.Message);
        }
    }

    private async Task<List<(string Host, int Port, TableAtSite Table)>> PlacementsAsync(CancellationToken cancellationToken)
    {
        var result = new List<(string, int, TableAtSite)>();
        try
        {
            await using var connection = new NpgsqlConnection(_lab.ConnectionString(_lab.Coordinator, LabSites.Database));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                SELECT n.nodename, n.nodeport, s.logicalrelid::text, count(DISTINCT s.shardid), count(*)
                FROM pg_dist_shard s
                JOIN pg_dist_placement p USING (shardid)
                JOIN pg_dist_node n ON n.groupid = p.groupid
                GROUP BY 1, 2, 3 ORDER BY 3
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add((reader.GetString(0), reader.GetInt32(1), new TableAtSite(reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4))));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Plain PostgreSQL: no Citus metadata, nothing distributed.
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The coordinator is down: the nodes' own state is still worth answering.
        }

        return result;
    }
}
