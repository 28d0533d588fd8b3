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

    // Replies held for the pump that writes to this side: written after the bytes it has not yet
    // relayed and before the message being judged (only that pump touches them, between reads).
    private List<ReadOnlyMemory<byte>>? _held;

    /// <summary>True when a reply waits for its place in the relayed stream.</summary>
    public bool HasHeld => _held is { Count: > 0 };

    /// <summary>
    /// A reply to send in order with what this side's own pump relays: called while that pump
    /// judges a message, it goes after everything before that message (rows, the answer) and
    /// before the message itself (a NOTICE before ReadyForQuery).
    /// </summary>
    public void Hold(ReadOnlyMemory<byte> bytes) => (_held ??= []).Add(bytes);

    /// <summary>Writes what was held, in order; called by the pump once the bytes before the message are out.</summary>
    public async ValueTask WriteHeldAsync(CancellationToken cancellationToken)
    {
        if (_held is not { Count: > 0 } held)
        {
            return;
        }

        _held = null;
        foreach (var bytes in held)
        {
            await WriteAsync(bytes, cancellationToken);
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
