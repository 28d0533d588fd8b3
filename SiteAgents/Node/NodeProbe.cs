using Npgsql;

namespace MediAI.SiteAgents.Node;

/// <summary>A transaction prepared at this site and waiting for its COMMIT/ROLLBACK PREPARED.</summary>
public sealed record PreparedTransaction(string Gid, DateTime Prepared, string Owner, string Database);

/// <summary>This site's node as the agent sees it, directly (not through the gateway).</summary>
public sealed record NodeStatus(bool Reachable, string? Version, string? Error, IReadOnlyList<PreparedTransaction> PreparedTransactions);

/// <summary>
/// Asks the agent's node whether it is up, and what it holds prepared. In a namespace of its own:
/// the root namespace (SiteAgentApp) wires every room, so no room may use a type of the root.
/// </summary>
public sealed class NodeProbe(SiteAgentOptions site)
{
    /// <summary>The node directly, not through the gateway: no faults in the way.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = site.Node.Host,
        Port = site.Node.Port,
        Username = site.Node.UserName,
        Password = site.Node.Password,
        Database = "postgres",
        Timeout = 3,
        Pooling = false,
        ApplicationName = $"mediai-agent-{site.Name}",
    }.ConnectionString;

    /// <summary>Polls until the node accepts a session (after a start, or its own crash recovery); false at the limit.</summary>
    public async Task<bool> WaitUntilReachableAsync(TimeSpan limit, Func<Task<bool>>? givesUp, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if ((await ProbeAsync(cancellationToken)).Reachable)
            {
                return true;
            }

            if (DateTime.UtcNow > deadline || (givesUp is not null && await givesUp()))
            {
                return false;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async Task<NodeStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT gid, prepared, owner, database FROM pg_prepared_xacts ORDER BY prepared", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var prepared = new List<PreparedTransaction>();
            while (await reader.ReadAsync(cancellationToken))
            {
                prepared.Add(new PreparedTransaction(reader.GetString(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3)));
            }

            return new NodeStatus(true, connection.PostgreSqlVersion.ToString(), null, prepared);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new NodeStatus(false, null, e.Message, []);
        }
    }
}
