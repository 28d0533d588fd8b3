using Npgsql;

namespace MediAI.Coordinator.Cluster;

/// <summary>The lab runs on plain PostgreSQL and this needs Citus.</summary>
public sealed class CitusRequiredException(string what) : Exception($"{what}: it needs Citus, and this lab runs on plain PostgreSQL.")
{
    /// <summary>Throws unless the connection's database has the citus extension.</summary>
    public static async Task ThrowIfMissingAsync(NpgsqlConnection connection, string what, CancellationToken cancellationToken)
    {
        await using var citus = new NpgsqlCommand("SELECT count(*) FROM pg_extension WHERE extname = 'citus'", connection);
        if ((long)(await citus.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            throw new CitusRequiredException(what);
        }
    }
}
