using Npgsql;

namespace MediAI.Coordinator.Jobs;

/// <summary>
/// The API's pooled sessions to the coordinator, retired after a job that broke links or killed
/// nodes: a "down" or reset fault drops every open link at its site, including the idle inter-node
/// links Citus caches inside those backends, and each would fail once ("failure on connection
/// marked as essential", XX000) on its next distributed statement; a killed coordinator leaves them
/// all dead. Retired, they are opened afresh.
/// </summary>
public sealed class PooledBackends(NpgsqlDataSource coordinator, [FromKeyedServices(Core.Sessions.ReadOnlySession.DataSourceKey)] NpgsqlDataSource reader)
{
    public void Retire()
    {
        NpgsqlConnection.ClearAllPools();
        coordinator.Clear();
        reader.Clear();
    }
}
