namespace MediAI.SiteAgents.Tracing;

/// <summary>
/// A node's part of a coordinator backend's statement, as a gateway saw it: whose (Citus's gpid,
/// split into <paramref name="Node"/> and <paramref name="Pid"/>), when, which 2PC step if any,
/// and the Citus transaction it belongs to (<see cref="CitusTransaction"/>), when known.
/// </summary>
public sealed record NodeWork(int Pid, int? Node, DateTime Start, DateTime End, string? Step = null, string? Transaction = null);

/// <summary>
/// Whose work a link to a node carries: Citus names it in <c>application_name = 'citus_internal
/// gpid=N'</c> (N = node id × 10^10 + the coordinator backend's pid), and the transaction it is in
/// (from <c>assign_distributed_transaction_id</c>), when one was assigned.
/// </summary>
public sealed record CitusClient(int Pid, int Node, string? Transaction)
{
    /// <summary>
    /// The node id in the gpid of a backend that started before its node was in Citus's metadata
    /// (the bootstrap's, before citus_set_coordinator_host): it keeps that gpid for its life.
    /// </summary>
    public const int NodeNotInMetadata = 99_999_999;

    public static CitusClient FromGpid(long gpid) => new(StatementLedger.PidOf(gpid), (int)(gpid / 10_000_000_000L), null);
}
