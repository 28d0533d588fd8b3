using Npgsql;

namespace MediAI.Coordinator.Core.Sessions;

/// <summary>
/// A read-only transaction on the coordinator for a user's SQL: fixed read-only (after the first
/// query PostgreSQL refuses SET TRANSACTION READ WRITE), a statement timeout, and the current
/// trace carried to every site.
/// </summary>
public sealed class ReadOnlySession : IAsyncDisposable
{
    /// <summary>The keyed data source of the read-only role (lab_reader) that users' SQL runs as.</summary>
    public const string DataSourceKey = "mediai-reader";

    private ReadOnlySession(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<ReadOnlySession> OpenAsync(NpgsqlDataSource dataSource, int timeoutMs, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var setup = new NpgsqlCommand($"""
                SET TRANSACTION READ ONLY;
                SELECT 1;
                SET LOCAL statement_timeout = {timeoutMs};
                SET LOCAL citus.explain_all_tasks = on
                """, connection))
            {
                await setup.ExecuteNonQueryAsync(cancellationToken);
            }

            await TracePropagation.SetLocalTraceparentAsync(connection, cancellationToken);
            return new ReadOnlySession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public NpgsqlCommand Command(string sql, IEnumerable<object>? parameters = null) => CommandOn(Connection, sql, parameters);

    /// <summary>A command with positional parameters ($1, $2…) on any open connection.</summary>
    public static NpgsqlCommand CommandOn(NpgsqlConnection connection, string sql, IEnumerable<object>? parameters = null)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
