using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.Transactions;

/// <summary>
/// What waits prepared at each site, asked of each node directly (not through Citus, which may be
/// the one that cannot reach it): for Part 4's in-doubt view and the fault campaign's checks.
/// </summary>
public static class PreparedTransactions
{
    public static async Task<(List<PreparedAtSite> Prepared, List<string> Unreachable)> AtEverySiteAsync(LabClusterOptions lab, CancellationToken cancellationToken)
    {
        var prepared = new List<PreparedAtSite>();
        var unreachable = new List<string>();
        foreach (var node in lab.Nodes)
        {
            try
            {
                await using var connection = new NpgsqlConnection(lab.ProbeConnectionString(node));
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT gid, prepared FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared", connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    prepared.Add(new PreparedAtSite(node.Site, node.City, reader.GetString(0), reader.GetDateTime(1)));
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                unreachable.Add(node.City);
            }
        }

        return (prepared, unreachable);
    }
}
