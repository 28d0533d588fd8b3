namespace MediAI.SiteAgents.Tracing;

/// <summary>Makes each new link's tracer: the door's traces what clients type; a gateway's, what this site's node runs.</summary>
public sealed class LinkTracers(SiteAgentOptions site, TraceContextStore store, StatementLedger ledger, IClientStatements statements, LateSpans late)
{
    public ILinkObserver ForDoor() => new ClientStatementTracer(site, ledger);

    public ILinkObserver ForGateway() => new StatementTracer(site, store, statements, late);
}
