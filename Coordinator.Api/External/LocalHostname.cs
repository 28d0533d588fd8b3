using MediAI.Coordinator.Core.Sql;
using Npgsql;

namespace MediAI.Coordinator.External;

/// <summary>
/// citus.local_hostname for the lab's database on a cluster it shares. Citus opens connections to
/// its own node — the bootstrap's isolate_tenant_to_new_shard, shard moves — at citus.local_hostname
/// ('localhost' by default) and its own port: a node that listens only on its own address refuses
/// them ("connection to the remote node postgres@localhost:6432 failed"). The address a node
/// accepted the lab's session on is one it listens on, so the lab sets that, for mediAI only
/// (ALTER DATABASE … SET: never the server's settings; dropped with the database by the cleanup).
/// Measured on Citus 12.1: adding a node copies the coordinator's database settings to it (its
/// metadata sync replays pg_db_role_setting), so the bootstrap sets each worker's again after.
/// </summary>
public static class LocalHostname
{
    /// <summary>The address and port the node accepted this session on (null over a Unix socket).</summary>
    public static async Task<(string Host, int Port)?> OfSessionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT host(inet_server_addr()), inet_server_port()", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? (reader.GetString(0), reader.GetInt32(1)) : null;
    }

    /// <summary>Sets it for mediAI on the node this session (in mediAI) is on; the sessions opened after it use it.</summary>
    public static async Task SetForLabDatabaseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (await OfSessionAsync(connection, cancellationToken) is not { } self)
        {
            return;
        }

        // Each node its own address: Citus must not copy the coordinator's to the workers' mediAI.
        await using var command = new NpgsqlCommand(
            "SET citus.enable_ddl_propagation = off; " +
            $"ALTER DATABASE \"{LabSites.Database}\" SET citus.local_hostname = {PsqlScript.Literal(self.Host)}; " +
            "RESET citus.enable_ddl_propagation", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
