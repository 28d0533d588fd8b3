using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>
/// A rule of one kind of link, beside its faults: it sees each message after the link's tracer and
/// before the faults, and may write to the client first (<see cref="IFaultTarget.ReplyToClientAsync"/>)
/// or keep a message back (<see cref="Verdict.Swallow"/>). The students' door adds its trace links
/// this way; the relay knows rules only through this interface, as it knows faults through IFault.
/// </summary>
public interface ILinkRule
{
    ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget link, CancellationToken cancellationToken);
}
