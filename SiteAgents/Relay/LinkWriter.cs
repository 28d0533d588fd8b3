using System.Buffers;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>
/// Writes to one side of a link, in order: the relayed bytes, and replies a fault sends on the
/// node's behalf. Chunk faults (latency, bandwidth, timeout, reset) act here.
/// </summary>
public sealed class LinkWriter(System.IO.Stream stream, Flow flow, IFaultSource faults, ConnectionClock clock)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Relays a chunk, unless a fault discards it or drops the link (answered).</summary>
    public async ValueTask<ChunkAction> RelayAsync(ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty)
        {
            return ChunkAction.Relay;
        }

        foreach (var fault in faults.Snapshot)
        {
            if (fault.Flow is null || fault.Flow == flow)
            {
                var action = await fault.BeforeChunkAsync(flow, chunk.Length, clock, cancellationToken);
                if (action != ChunkAction.Relay)
                {
                    return action;
                }
            }
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            foreach (var segment in chunk)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }

        return ChunkAction.Relay;
    }

    /// <summary>Bytes the gateway itself sends (a refused SSLRequest, an injected error).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }
}
