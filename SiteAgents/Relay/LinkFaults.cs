using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>
/// The faults as one link meets them, made when the link opens: the one object its two pumps ask,
/// each before relaying a message and before writing a chunk (nothing else in the relay reads
/// faults). It keeps the source rather than the snapshot of the moment it opened: a fault added
/// while a link is open acts on it at its next message or chunk (latency added to a pooled
/// connection slows its next query), as in Toxiproxy.
/// </summary>
/// <param name="acted">Told when a fault decides a message's fate (logging; cutting the other direction on <see cref="Verdict.ForwardThenClose"/>).</param>
public sealed class LinkFaults(IFaultSource source, IFaultTarget target, LinkFaults.FaultActed? acted = null)
{
    public delegate void FaultActed(IFault fault, Verdict verdict, Flow flow);

    private readonly ConnectionClock _clock = new(target.ConnectionId);

    /// <summary>May a new link open? Not while a fault refuses links (a site "down"): the client then sees a reset.</summary>
    public static bool AdmitNewLink(IFaultSource source)
    {
        var faults = source.Snapshot;
        for (var i = 0; i < faults.Count; i++)
        {
            if (!faults[i].AllowsConnection)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Does adding this fault drop the open links? A fault that refuses new links (a site "down") drops the open ones too.</summary>
    public static bool DropsOpenLinks(IFault added) => !added.AllowsConnection;

    /// <summary>The first verdict other than <see cref="Verdict.Forward"/> among the faults on the message's flow, in the order they were added.</summary>
    public ValueTask<Verdict> OnMessageAsync(PgMessage message, CancellationToken cancellationToken)
    {
        var faults = source.Snapshot;
        return faults.Count == 0 ? ValueTask.FromResult(Verdict.Forward) : AskAsync(faults, message, cancellationToken);
    }

    /// <summary>What to do with <paramref name="bytes"/> bytes about to be written on <paramref name="flow"/>: the first action other than <see cref="ChunkAction.Relay"/>.</summary>
    public ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, CancellationToken cancellationToken)
    {
        var faults = source.Snapshot;
        return faults.Count == 0 ? ValueTask.FromResult(ChunkAction.Relay) : AskAsync(faults, flow, bytes, cancellationToken);
    }

    /// <summary>Before the link closes because <paramref name="flow"/>'s sender closed its side: a fault may hold the close back (slow_close).</summary>
    public async ValueTask BeforeCloseAsync(Flow flow, CancellationToken cancellationToken)
    {
        var faults = source.Snapshot;
        for (var i = 0; i < faults.Count; i++)
        {
            if (faults[i].Flow is not { } only || only == flow)
            {
                await faults[i].BeforeCloseAsync(flow, _clock, cancellationToken);
            }
        }
    }

    private async ValueTask<Verdict> AskAsync(IReadOnlyList<IFault> faults, PgMessage message, CancellationToken cancellationToken)
    {
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            if (fault.Flow is { } flow && flow != message.Flow)
            {
                continue;
            }

            var verdict = await fault.OnMessageAsync(message, target, cancellationToken);
            if (verdict != Verdict.Forward)
            {
                acted?.Invoke(fault, verdict, message.Flow);
                return verdict;
            }
        }

        return Verdict.Forward;
    }

    private async ValueTask<ChunkAction> AskAsync(IReadOnlyList<IFault> faults, Flow flow, long bytes, CancellationToken cancellationToken)
    {
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            if (fault.Flow is { } only && only != flow)
            {
                continue;
            }

            var action = await fault.BeforeChunkAsync(flow, bytes, _clock, cancellationToken);
            if (action != ChunkAction.Relay)
            {
                return action;
            }
        }

        return ChunkAction.Relay;
    }
}
