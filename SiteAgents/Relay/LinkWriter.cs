using System.Buffers;

namespace MediAI.SiteAgents.Relay;

/// <summary>
/// Writes to one side of a link, in order: the bytes a pump relays, and the replies the gateway
/// or a fault sends on the node's behalf — one lock, so the two never interleave mid-message.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_lock holds nothing to release; see its comment.")]
public sealed class LinkWriter(Stream stream)
{
    // Never disposed, on purpose: without AvailableWaitHandle a SemaphoreSlim holds nothing to
    // release, and a pump may still be writing when the other direction ends the link.
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Relayed bytes, straight from the pipe's buffers.</summary>
    public async ValueTask WriteAsync(ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
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
