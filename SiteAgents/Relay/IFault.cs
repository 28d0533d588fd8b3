using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>
/// A fault, Toxiproxy-style ("toxic"). The relay knows faults only through this interface, which
/// is why it lives here, on the relay's side: the concrete faults (MediAI.SiteAgents.Faults)
/// depend on the relay's contract, never the reverse, as Toxiproxy's proxy knows its toxics only
/// through an interface. A link asks its faults once when it opens, then before each message and
/// each chunk of bytes it relays (see <see cref="LinkFaults"/>).
/// </summary>
public interface IFault
{
    /// <summary>The name it was added under (unique at this site).</summary>
    string Name { get; }

    /// <summary>Its type: down, latency, bandwidth, timeout, reset_peer, fail_prepare, …</summary>
    string Type { get; }

    /// <summary>The flow it acts on (Toxiproxy: "stream"); null for both.</summary>
    Flow? Flow { get; }

    /// <summary>Its settings, as the HTTP API shows them.</summary>
    IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>May a new connection open? False: it is reset at once.</summary>
    bool AllowsConnection => true;

    /// <summary>Before a chunk of <paramref name="bytes"/> bytes is relayed on <paramref name="flow"/>: delay it, drop it, or drop the link.</summary>
    ValueTask<ChunkAction> BeforeChunkAsync(Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) => ValueTask.FromResult(ChunkAction.Relay);

    /// <summary>Before the link is closed because the sender on <paramref name="flow"/> closed its side (slow_close waits here).</summary>
    ValueTask BeforeCloseAsync(Flow flow, ConnectionClock clock, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Before a message is relayed.</summary>
    ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken) => ValueTask.FromResult(Verdict.Forward);
}
