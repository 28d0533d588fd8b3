namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// What the coordinator says a backend is doing (pg_stat_activity): the statement a root is
/// made for when the client did not come through the door (<c>docker exec … psql</c>).
/// </summary>
/// <param name="Node">The coordinator's Citus node id (a gpid's upper digits), so a worker's backend is never mistaken for it.</param>
public sealed record BackendActivity(
    int Node, string BackendType, string State, string Query, DateTime? QueryStart, DateTime? TransactionStart, DateTime? StateChange, string Application)
{
    /// <summary>A client's session (psql, the bootstrap), not one of Citus's own background workers.</summary>
    public bool IsClient => BackendType == "client backend";

    /// <summary>One of the lab's own programs (application_name mediai-…: the bootstrap, the API, the checker), not a student.</summary>
    public bool IsLabProgram => Application.StartsWith("mediai-", StringComparison.Ordinal);

    /// <summary>When the transaction this backend is in (or last ran) began: a block's BEGIN, else its one statement.</summary>
    public DateTime? TransactionStarted => TransactionStart ?? QueryStart;

    /// <summary>Inside <c>BEGIN … COMMIT</c> (the transaction began before this statement).</summary>
    public bool InBlock => TransactionStart is { } t && QueryStart is { } q && t < q;
}

public interface IBackendActivity
{
    /// <summary>The backend <paramref name="pid"/> at the coordinator now, or null (gone, or the node unreachable).</summary>
    Task<BackendActivity?> ReadAsync(int pid, CancellationToken cancellationToken);
}
