using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Tracing;

/// <summary>What a link shows its tracer: every message it relays, and its end.</summary>
public interface ILinkObserver
{
    void Observe(PgMessage message);

    /// <summary>The link closed: spans still open end with <paramref name="reason"/>.</summary>
    void Abandon(string reason);
}
