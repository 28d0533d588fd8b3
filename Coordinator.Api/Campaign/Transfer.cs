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
        string connectionString, long id, LabSite from, int fromAccount, LabSite to, int toAccount, decimal amount, CancellationToken cancellationToken)
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, $"UPDATE {CampaignStore.Schema}.accounts SET balance = balance - $1 WHERE country = $2 AND id = $3", cancellationToken, amount, from.Country, fromAccount);
            await using (var current = new NpgsqlCommand("SELECT transaction_number FROM get_current_transaction_id()", connection))
            {
                number = (long?)await current.ExecuteScalarAsync(cancellationToken);
            }

            await ExecuteAsync(connection, $"UPDATE {CampaignStore.Schema}.accounts SET balance = balance + $1 WHERE country = $2 AND id = $3", cancellationToken, amount, to.Country, toAccount);
            await ExecuteAsync(connection, $"INSERT INTO {CampaignStore.Schema}.legs VALUES ($1, $2, -$3), ($1, $4, $3)", cancellationToken, id, from.Country, amount, to.Country);
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
            return (TransferOutcome.Aborted, number); // COMMIT answered an error: a site voted no, Citus rolled back
        }
        catch (NpgsqlException)
        {
            return (TransferOutcome.Indeterminate, number); // the connection died with COMMIT out: no answer
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
