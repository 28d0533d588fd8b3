using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MediAI.AppHost.Nodes;

/// <summary>
/// Healthy once the node accepts a password login and answers a query: "Running" alone only
/// means the process started, not that PostgreSQL finished recovery and listens.
/// </summary>
public sealed class PostgresReadyCheck(Func<CancellationToken, ValueTask<string>> connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(await connectionString(cancellationToken));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
