namespace MediAI.SiteAgents.Tracing;

/// <summary>Makes each new link's tracer: the door's traces what clients type; a gateway's, what this site's node runs.</summary>
public sealed class LinkTracers(
    SiteAgentOptions site, TraceContextStore store, StatementLedger ledger, IClientStatements statements, LateSpans late, PendingPrepared pendingPrepared)
{
    /// <summary>With statement spans off (Site:TraceStatements=false) the door only relays.</summary>
    public ILinkObserver ForDoor() => site.TraceStatements ? new ClientStatementTracer(site, ledger) : Unobserved.Instance;

    public ILinkObserver ForGateway() => new StatementTracer(site, store, statements, late, pendingPrepared);

    private sealed class Unobserved : ILinkObserver
    {
        public static readonly Unobserved Instance = new();

        public void Observe(Protocol.PgMessage message)
        {
        }

        public void Abandon(string reason)
        {
        }
    }
}
