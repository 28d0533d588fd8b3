using MediAI.SiteAgents.Tracing;
using Npgsql;

namespace MediAI.SiteAgents.Node;

/// <summary>
/// Reads a backend's row of pg_stat_activity at this agent's node, directly (not through the
/// gateway, so the agent never traces itself). Used at Paris for statements typed past the door.
/// </summary>
public sealed class NodeBackends(SiteAgentOptions site) : IBackendActivity, IAsyncDisposable
{
    // citus_backend_gpid() of the agent's own session: this node's Citus id × 10^10 + its pid.
    private const string Sql = """
        SELECT (citus_backend_gpid() / 10000000000)::int, coalesce(backend_type, ''), coalesce(state, ''), coalesce(query, ''),
               query_start, xact_start, state_change, coalesce(application_name, '')
        FROM pg_stat_activity WHERE pid = $1
        """;

    private readonly NpgsqlDataSource _node = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder
    {
        Host = site.Node.Host,
        Port = site.Node.Port,
        Username = site.Node.UserName,
        Password = site.Node.Password,
        Database = LabSites.Database,
        Timeout = 3,
        CommandTimeout = 3,
        MaxPoolSize = 2,
        ApplicationName = $"mediai-agent-{site.Name}",
    }.ConnectionString)
        // Asked for every part of a statement typed past the door: its own spans would be thousands of traces.
        .ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => false).EnablePhysicalOpenTracing(false))
        .Build();

    public async Task<BackendActivity?> ReadAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _node.CreateCommand(Sql);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new BackendActivity(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Utc(reader, 4), Utc(reader, 5), Utc(reader, 6), reader.GetString(7));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return null; // the node is down, or not Citus: the work's spans stand alone
        }
    }

    private static DateTime? Utc(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTime.SpecifyKind(reader.GetDateTime(column), DateTimeKind.Utc);

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
