using MediAI.Coordinator.Core.Cluster;
using Npgsql;

namespace MediAI.Coordinator.External;

/// <summary>What one node holds of the lab: its database, and the lab's role.</summary>
/// <param name="Database">The node has a database named mediAI.</param>
/// <param name="OursDatabase">…with the lab's comment: the lab's bootstrap made it.</param>
/// <param name="Role">The node has the role lab_reader.</param>
/// <param name="OursRole">…with the lab's comment.</param>
/// <param name="Prepared">Transactions prepared in mediAI and never finished (a Part 4 left in doubt).</param>
public sealed record NodeHoldings(LabNodeOptions Node, bool Database, bool OursDatabase, bool Role, bool OursRole, IReadOnlyList<string> Prepared, IReadOnlyList<string> GradingRoles)
{
    public bool ForeignDatabase => Database && !OursDatabase;
}

/// <summary>
/// The lab's objects on a cluster it shares, and how it knows them as its own: a comment it writes
/// when it creates them. Everything else on the cluster is someone else's. Cluster-wide objects are
/// few: its database on each node (mediAI, which holds lab_sites, the tables, generated data,
/// campaigns, and its own Citus metadata) and its roles (lab_reader; class grading's grade_… roles,
/// members of it, dropped after each student).
/// </summary>
public static class LabObjects
{
    /// <summary>Written on the database of each node by the bootstrap when it creates it.</summary>
    public const string DatabaseComment = "MediAI lab: made by the lab's bootstrap; removed with its cleanup command";

    /// <summary>Written by data/roles-mediAI.sql; the lab's roles start with this.</summary>
    public const string RoleCommentPrefix = "MediAI lab";

    public static async Task<NodeHoldings> ReadAsync(LabClusterOptions lab, LabNodeOptions node, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(lab.ConnectionString(node, lab.MaintenanceDatabase));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1),
                   coalesce((SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1) = $2, false),
                   EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $3),
                   coalesce((SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = $3) LIKE $4 || '%', false),
                   ARRAY(SELECT gid FROM pg_prepared_xacts WHERE database = $1 ORDER BY gid),
                   ARRAY(SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid
                          WHERE g.rolname = $3 AND m.rolname LIKE 'grade\_%' ORDER BY 1)
            """, connection)
        {
            Parameters =
            {
                new() { Value = LabSites.Database },
                new() { Value = DatabaseComment },
                new() { Value = LabClusterOptions.ReaderRole },
                new() { Value = RoleCommentPrefix },
            },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NodeHoldings(node, reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3),
            reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5));
    }

    public static async Task<IReadOnlyList<NodeHoldings>> ReadAllAsync(LabClusterOptions lab, CancellationToken cancellationToken) =>
        await Task.WhenAll(lab.Nodes.Select(n => ReadAsync(lab, n, cancellationToken)));

    /// <summary>The lab_reader role is the lab's when the coordinator's carries its comment (Citus copies the role, not the comment).</summary>
    public static bool RoleIsOurs(IReadOnlyList<NodeHoldings> holdings) => holdings[0].OursRole;

    /// <summary>Someone else's lab_reader: on the coordinator without the lab's comment, or on a worker while the coordinator has none.</summary>
    public static IEnumerable<NodeHoldings> ForeignRoles(IReadOnlyList<NodeHoldings> holdings) =>
        RoleIsOurs(holdings) ? [] : holdings.Where(h => h.Role);
}
