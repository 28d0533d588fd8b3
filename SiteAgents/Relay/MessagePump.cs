using System.Buffers;
using System.IO.Pipelines;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>Why a pump stopped.</summary>
public enum PumpEnd { PeerClosed, Closed, Reset }

/// <summary>
/// Relays one direction of a link message by message. A <see cref="FrameReader"/> finds the
/// messages; the pump shows each to the link (<paramref name="onMessage"/>: its own rules,
/// tracing) and then to its faults, and relays the bytes straight from the pipe's buffers to the
/// other side as the verdict says — only a header and, for the few messages that matter, at most
/// <see cref="MessageFramer.InspectLimit"/> bytes are ever held, whatever the message size. The
/// pump is the one place a direction asks its faults: about each message before relaying it,
/// about each chunk before writing it.
/// </summary>
public sealed class MessagePump(Flow flow, PipeReader reader, LinkWriter destination, LinkFaults faults, Func<PgMessage, CancellationToken, ValueTask<Verdict>> onMessage)
{
    public async Task<PumpEnd> RunAsync(CancellationToken cancellationToken)
    {
        var frames = new FrameReader(flow);
        var dropping = false; // the current message was swallowed: its bytes go nowhere
        var closeAfter = false; // the current message is the link's last
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            long position = 0; // what the frames have covered
            long relayFrom = 0; // [relayFrom, position) is due to the destination, written in one chunk
            PumpEnd? end = null;
            while (end is null)
            {
                var frame = frames.Read(buffer, position, result.IsCompleted);
                if (frame.Kind == FrameKind.NeedMore)
                {
                    break;
                }

                if (frame.Kind == FrameKind.Bytes)
                {
                    position += frame.Length;
                    if (dropping)
                    {
                        relayFrom = position;
                    }
                    else if (closeAfter && frames.AtMessageBoundary)
                    {
                        end = PumpEnd.Closed;
                    }

                    continue;
                }

                var verdict = await onMessage(frame.Message, cancellationToken);
                if (verdict == Verdict.Forward)
                {
                    verdict = await faults.OnMessageAsync(frame.Message, cancellationToken);
                }

                if (destination.HasHeld)
                {
                    // A reply that belongs before this message: what came before it goes first.
                    if (await RelayAsync(buffer.Slice(relayFrom, position - relayFrom), cancellationToken) is { } heldEnd)
                    {
                        return heldEnd;
                    }

                    relayFrom = position;
                    await destination.WriteHeldAsync(cancellationToken);
                }

                switch (verdict)
                {
                    case Verdict.Forward:
                        dropping = false;
                        break;
                    case Verdict.ForwardThenClose:
                        dropping = false;
                        closeAfter = true;
                        break;
                    case Verdict.Swallow:
                        // The bytes before it go now: a chunk is contiguous, and this message is cut out.
                        if (await RelayAsync(buffer.Slice(relayFrom, position - relayFrom), cancellationToken) is { } swallowEnd)
                        {
                            return swallowEnd;
                        }

                        relayFrom = position;
                        dropping = true;
                        break;
                    case Verdict.Close:
                        await RelayAsync(buffer.Slice(relayFrom, position - relayFrom), cancellationToken);
                        return PumpEnd.Closed;
                }
            }

            if (await RelayAsync(buffer.Slice(relayFrom, position - relayFrom), cancellationToken) is { } relayEnd)
            {
                return relayEnd;
            }

            reader.AdvanceTo(buffer.GetPosition(position), buffer.End);
            if (end is { } ended)
            {
                return ended;
            }

            if (result.IsCompleted)
            {
                await faults.BeforeCloseAsync(flow, cancellationToken);
                return PumpEnd.PeerClosed;
            }
        }
    }

    /// <summary>Writes a chunk unless a fault discards it (null: go on) or drops the link (how).</summary>
    private async ValueTask<PumpEnd?> RelayAsync(ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty)
        {
            return null;
        }

        var action = await faults.BeforeChunkAsync(flow, chunk.Length, cancellationToken);
        switch (action.Kind)
        {
            case ChunkKind.Relay:
                await destination.WriteAsync(chunk, cancellationToken);
                return null;
            case ChunkKind.Close:
                return PumpEnd.Closed;
            case ChunkKind.Reset:
                return PumpEnd.Reset;
            case ChunkKind.RelayThenClose:
                if (action.Limit > 0)
                {
                    await destination.WriteAsync(chunk.Slice(0, Math.Min(action.Limit, chunk.Length)), cancellationToken);
                }

                return PumpEnd.Closed;
            case ChunkKind.Sliced:
                await WriteSlicedAsync(chunk, action, cancellationToken);
                return null;
            default:
                return null; // discarded
        }
    }

    /// <summary>The chunk in writes of about SliceSize bytes, each its own flush, with a pause between them.</summary>
    private async ValueTask WriteSlicedAsync(ReadOnlySequence<byte> chunk, ChunkAction action, CancellationToken cancellationToken)
    {
        while (!chunk.IsEmpty)
        {
            var size = action.SliceSize + (action.SliceVariation == 0 ? 0 : Random.Shared.Next(-action.SliceVariation, action.SliceVariation + 1));
            var slice = chunk.Slice(0, Math.Clamp(size, 1, chunk.Length));
            await destination.WriteAsync(slice, cancellationToken);
            chunk = chunk.Slice(slice.Length);
            if (!chunk.IsEmpty && action.SliceDelay > TimeSpan.Zero)
            {
                await Task.Delay(action.SliceDelay, cancellationToken);
            }
        }
    }
}
