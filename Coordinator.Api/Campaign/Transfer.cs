using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// One transfer, as a client of the cluster runs it: debit at one site, credit at another, both legs
/// recorded, COMMIT. What the client is told decides its outcome; the Citus transaction number ties
/// it to the gids the sites prepare (citus_&lt;group&gt;_&lt;pid&gt;_&lt;number&gt;_&lt;connection&gt;).
/// </summary>
public static class Transfer
{
    public static async Task<(TransferOutcome Outcome, long? TransactionNumber)> RunAsync(
        string connectionString, long id, LabSite from, int fromAccount, LabSite to, int toAccount, decimal amount, bool journal, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException)
        {
            return (TransferOutcome.Aborted, null); // nothing was sent
        }

        long? number = null;
        DateTime? serverStarted = null;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, $"UPDATE {CampaignStore.Schema}.accounts SET balance = balance - $1 WHERE country = $2 AND id = $3", cancellationToken, amount, from.Country, fromAccount);
            await using (var current = new NpgsqlCommand("SELECT transaction_number, pg_postmaster_start_time() FROM get_current_transaction_id()", connection))
            await using (var reader = await current.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                number = reader.GetInt64(0);
                serverStarted = reader.GetDateTime(1);
            }

            await ExecuteAsync(connection, $"UPDATE {CampaignStore.Schema}.accounts SET balance = balance + $1 WHERE country = $2 AND id = $3", cancellationToken, amount, to.Country, toAccount);
            await ExecuteAsync(connection, $"INSERT INTO {CampaignStore.Schema}.legs VALUES ($1, $2, -$3), ($1, $4, $3)", cancellationToken, id, from.Country, amount, to.Country);
            if (journal)
            {
                // The same two legs, in the shard of this transfer: a router insert, part of the same commit.
                await ExecuteAsync(connection, $"INSERT INTO {CampaignStore.Schema}.journal VALUES ($1, $2, -$3), ($1, $4, $3)", cancellationToken, id, from.Country, amount, to.Country);
            }
        }
        catch (NpgsqlException)
        {
            return (TransferOutcome.Aborted, number); // failed before COMMIT: the transaction is rolled back (or its connection is gone)
        }

        try
        {
            await transaction.CommitAsync(cancellationToken);
            return (TransferOutcome.Acknowledged, number);
        }
        catch (PostgresException)
        {
            // An error is a rollback only if the server that sent it lives on to stand by it. When the
            // coordinator dies during COMMIT — after its commit record too — Citus may answer ERROR
            // "postmaster was shut down, exiting" just before its backend exits (measured in container
            // mode: 3 transfers of a 200-transfer campaign told "failed" were committed by recovery).
            // (Npgsql closes the session after such an error either way: ask the server anew whether it is the same one.)
            return (await SameServerAsync(connectionString, serverStarted) ? TransferOutcome.Aborted : TransferOutcome.Indeterminate, number);
        }
        catch (NpgsqlException)
        {
            return (TransferOutcome.Indeterminate, number); // the connection died with COMMIT out: no answer
        }
    }

    /// <summary>Is the coordinator still the server that began the transfer (not down, not restarted since)?</summary>
    private static async Task<bool> SameServerAsync(string connectionString, DateTime? started)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
            await connection.OpenAsync();
            await using var now = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection) { CommandTimeout = 5 };
            return (DateTime?)await now.ExecuteScalarAsync() == started;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return false; // down, or in its crash recovery
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The transaction number in a Citus gid, or null for another kind of gid.</summary>
    public static long? NumberOf(string gid)
    {
        var parts = gid.Split('_');
        return parts.Length == 5 && parts[0] == "citus" && long.TryParse(parts[3], out var number) ? number : null;
    }
}
