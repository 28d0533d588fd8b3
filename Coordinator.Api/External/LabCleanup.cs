using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Sql;
using Npgsql;

namespace MediAI.Coordinator.External;

/// <summary>
/// Removes the lab from a cluster it shares (<c>Coordinator.Api cleanup --yes</c>): on each node,
/// what is left prepared in its database rolled back, the database dropped; then its roles. Only
/// what carries the lab's mark (<see cref="LabObjects"/>); anything else of the same name is named
/// and left. Without --yes it only says what it would remove.
/// </summary>
public static class LabCleanup
{
    public static async Task<IReadOnlyList<string>> RunAsync(LabClusterOptions lab, bool apply, CancellationToken cancellationToken)
    {
        var holdings = await LabObjects.ReadAllAsync(lab, cancellationToken);
        var said = new List<string>();
        var verb = apply ? "dropped" : "would drop";

        // The coordinator first: its sessions (and Citus's maintenance daemon) hold links to the workers' databases.
        foreach (var held in holdings.Where(h => h.Database))
        {
            if (!held.OursDatabase)
            {
                said.Add($"{held.Node}: database {LabSites.Database} was not made by the lab: left alone");
                continue;
            }

            if (apply)
            {
                await DropDatabaseAsync(lab, held, cancellationToken);
            }

            said.Add($"{held.Node}: {verb} database {LabSites.Database}" +
                (held.Prepared.Count > 0 ? $" (after rolling back {held.Prepared.Count} prepared transaction(s) left in it)" : ""));
        }

        if (LabObjects.RoleIsOurs(holdings))
        {
            // The workers first, the coordinator last: the coordinator's comment is what marks the roles as the
            // lab's, so a cleanup that stops halfway can be run again and still knows them.
            foreach (var held in holdings.Where(h => h.Role).Reverse())
            {
                if (apply)
                {
                    foreach (var role in held.GradingRoles.Append(LabClusterOptions.ReaderRole))
                    {
                        await ExecuteAsync(lab, held.Node, $"DROP ROLE IF EXISTS \"{role}\"", cancellationToken);
                    }
                }

                said.Add($"{held.Node}: {verb} role(s) {string.Join(", ", held.GradingRoles.Append(LabClusterOptions.ReaderRole))}");
            }
        }
        else if (holdings.Any(h => h.Role))
        {
            said.Add($"role {LabClusterOptions.ReaderRole} was not made by the lab: left alone");
        }

        if (said.Count == 0)
        {
            said.Add("nothing of the lab's on this cluster");
        }

        return said;
    }

    /// <summary>--Lab:Overwrite=true: a mediAI database the lab did not make is dropped on every node holding one, so the bootstrap makes its own.</summary>
    public static async Task<IReadOnlyList<LabNodeOptions>> DropForeignDatabasesAsync(LabClusterOptions lab, IReadOnlyList<NodeHoldings> holdings, CancellationToken cancellationToken)
    {
        var dropped = new List<LabNodeOptions>();
        foreach (var held in holdings.Where(h => h.ForeignDatabase))
        {
            await DropDatabaseAsync(lab, held, cancellationToken);
            dropped.Add(held.Node);
        }

        return dropped;
    }

    /// <summary>
    /// The node's mediAI dropped. A transaction prepared in it would keep it from being dropped, and is
    /// finished only in the database that prepared it: rolled back there first.
    /// </summary>
    private static async Task DropDatabaseAsync(LabClusterOptions lab, NodeHoldings held, CancellationToken cancellationToken)
    {
        if (held.Prepared.Count > 0)
        {
            await using var connection = new NpgsqlConnection(lab.ConnectionString(held.Node, LabSites.Database));
            await connection.OpenAsync(cancellationToken);
            foreach (var gid in held.Prepared)
            {
                await using var rollback = new NpgsqlCommand($"ROLLBACK PREPARED {PsqlScript.Literal(gid)}", connection);
                await rollback.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await ExecuteAsync(lab, held.Node, $"DROP DATABASE \"{LabSites.Database}\" WITH (FORCE)", cancellationToken);
    }

    /// <summary>One statement on one node, in its maintenance database, without Citus passing it on to other nodes (each node is done by name).</summary>
    private static async Task ExecuteAsync(LabClusterOptions lab, LabNodeOptions node, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(lab.ConnectionString(node, lab.MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);
        // Two round trips: DROP DATABASE refuses to run in the implicit transaction of a batch.
        await using (var local = new NpgsqlCommand(
            "SELECT set_config('citus.enable_create_role_propagation', 'off', false) WHERE current_setting('citus.enable_create_role_propagation', true) IS NOT NULL", connection))
        {
            await local.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
