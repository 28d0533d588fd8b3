using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Faults;

/// <summary>What the gateway does with a message after the faults have seen it.</summary>
public enum Verdict
{
    /// <summary>Relay it.</summary>
    Forward,

    /// <summary>Relay it, then close the link (both sides).</summary>
    ForwardThenClose,

    /// <summary>Do not relay it; the fault has answered the client itself.</summary>
    Swallow,

    /// <summary>Do not relay it; close the link now.</summary>
    Close,
}

/// <summary>What the gateway does with a chunk of bytes after the faults have seen it.</summary>
public enum ChunkAction
{
    Relay,

    /// <summary>Drop the bytes, keep the link (Toxiproxy's timeout with timeout 0).</summary>
    Discard,

    /// <summary>Drop the link.</summary>
    Close,

    /// <summary>Drop the link with a TCP reset.</summary>
    Reset,
}

/// <summary>What a fault may do to the connection it acts on.</summary>
public interface IFaultTarget
{
    string Site { get; }
    long ConnectionId { get; }

    /// <summary>Sends bytes to the client, in order with what the node sends.</summary>
    ValueTask ReplyToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}

/// <summary>
/// A fault, Toxiproxy-style ("toxic"). The gateway knows faults only through this interface:
/// at connection open, for each chunk of bytes relayed, and for each message.
/// </summary>
public interface IFault
{
    /// <summary>The name it was added under (unique at this site).</summary>
    string Name { get; }

    /// <summary>Its type: down, latency, bandwidth, timeout, reset_peer, fail_prepare, …</summary>
    string Type { get; }

    /// <summary>The flow it acts on (Toxiproxy: "stream"); null for both.</summary>
    Protocol.Flow? Flow { get; }

    /// <summary>Its settings, as the HTTP API shows them.</summary>
    IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>May a new connection open? False: it is reset at once.</summary>
    bool AllowsConnection => true;

    /// <summary>Before a chunk of <paramref name="bytes"/> bytes is relayed on <paramref name="flow"/>: delay it, drop it, or drop the link.</summary>
    ValueTask<ChunkAction> BeforeChunkAsync(Protocol.Flow flow, long bytes, ConnectionClock clock, CancellationToken cancellationToken) => ValueTask.FromResult(ChunkAction.Relay);

    /// <summary>Before a message is relayed.</summary>
    ValueTask<Verdict> OnMessageAsync(PgMessage message, IFaultTarget target, CancellationToken cancellationToken) => ValueTask.FromResult(Verdict.Forward);
}

/// <summary>Per-connection time reference for faults that act "after N ms".</summary>
public sealed class ConnectionClock
{
    /// <summary>When the link opened (Environment.TickCount64).</summary>
    public long OpenedAt { get; } = Environment.TickCount64;

    /// <summary>Time since <paramref name="since"/> or since the link opened, whichever is later.</summary>
    public TimeSpan ElapsedSince(long since) => TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(OpenedAt, since));
}
