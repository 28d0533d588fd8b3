using System.IO.Pipelines;
using MediAI.SiteAgents.Protocol;

namespace MediAI.SiteAgents.Relay;

/// <summary>Why a pump stopped.</summary>
public enum PumpEnd { PeerClosed, Closed, Reset }

/// <summary>
/// Relays one direction of a link message by message: reads each header, shows the message to
/// the link (<paramref name="onMessage"/>: its own rules, tracing) and then to its faults, and
/// relays the bytes straight from the pipe's buffers to the other side — only a header and, for
/// the few messages that matter, at most <see cref="MessageFramer.InspectLimit"/> bytes are ever
/// held, whatever the message size. The pump is the one place a direction asks its faults: about
/// each message before relaying it, about each chunk before writing it.
/// </summary>
public sealed class MessagePump(Flow flow, PipeReader reader, LinkWriter destination, LinkFaults faults, Func<PgMessage, CancellationToken, ValueTask<Verdict>> onMessage)
{
    public async Task<PumpEnd> RunAsync(CancellationToken cancellationToken)
    {
        var startup = flow == Flow.Upstream; // the client speaks first, without a type byte
        long forwardRemaining = 0;
        long skipRemaining = 0;
        var closeAfter = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            long position = 0;
            long forwardFrom = 0;
            PumpEnd? end = null;
            while (end is null)
            {
                var available = buffer.Length - position;
                if (forwardRemaining > 0)
                {
                    var take = Math.Min(forwardRemaining, available);
                    position += take;
                    forwardRemaining -= take;
                    if (forwardRemaining > 0)
                    {
                        break;
                    }

                    if (closeAfter)
                    {
                        end = PumpEnd.Closed;
                    }

                    continue;
                }

                if (skipRemaining > 0)
                {
                    var take = Math.Min(skipRemaining, available);
                    position += take;
                    skipRemaining -= take;
                    forwardFrom = position;
                    if (skipRemaining > 0)
                    {
                        break;
                    }

                    continue;
                }

                if (!MessageFramer.TryReadHeader(buffer.Slice(position), startup, out var type, out var length, out var code, out var headerSize))
                {
                    break;
                }

                var bodyOffset = startup ? 4 : 5;
                long wire = startup ? length : length + 1L;
                long inspect = NeedsBody(flow, type, startup) ? Math.Min(wire, bodyOffset + MessageFramer.InspectLimit) : headerSize;
                if (available < inspect)
                {
                    if (result.IsCompleted)
                    {
                        throw new ProtocolViolationException($"the peer closed in the middle of a {(startup ? "startup packet" : $"'{type}' message")}");
                    }

                    break;
                }

                var message = new PgMessage(flow, type, code, length, buffer.Slice(position + Math.Min(bodyOffset, inspect), Math.Max(0, inspect - bodyOffset)), truncated: wire > inspect);
                if (message.IsStartup || (startup && code == MessageFramer.CancelRequestCode))
                {
                    startup = false;
                }

                var verdict = await onMessage(message, cancellationToken);
                if (verdict == Verdict.Forward)
                {
                    verdict = await faults.OnMessageAsync(message, cancellationToken);
                }

                switch (verdict)
                {
                    case Verdict.Forward:
                        forwardRemaining = wire;
                        break;
                    case Verdict.ForwardThenClose:
                        forwardRemaining = wire;
                        closeAfter = true;
                        break;
                    case Verdict.Swallow:
                        if (await RelayAsync(buffer.Slice(forwardFrom, position - forwardFrom), cancellationToken) is { } swallowEnd)
                        {
                            return swallowEnd;
                        }

                        forwardFrom = position;
                        skipRemaining = wire;
                        break;
                    case Verdict.Close:
                        await RelayAsync(buffer.Slice(forwardFrom, position - forwardFrom), cancellationToken);
                        return PumpEnd.Closed;
                }
            }

            if (await RelayAsync(buffer.Slice(forwardFrom, position - forwardFrom), cancellationToken) is { } relayEnd)
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
                return PumpEnd.PeerClosed;
            }
        }
    }

    /// <summary>Writes a chunk unless a fault discards it (null: go on) or drops the link (how).</summary>
    private async ValueTask<PumpEnd?> RelayAsync(System.Buffers.ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty)
        {
            return null;
        }

        switch (await faults.BeforeChunkAsync(flow, chunk.Length, cancellationToken))
        {
            case ChunkAction.Relay:
                await destination.WriteAsync(chunk, cancellationToken);
                return null;
            case ChunkAction.Close:
                return PumpEnd.Closed;
            case ChunkAction.Reset:
                return PumpEnd.Reset;
            default:
                return null; // discarded
        }
    }

    /// <summary>The messages whose content tracing or faults read; all others are relayed on their header alone.</summary>
    private static bool NeedsBody(Flow flow, char type, bool startup) =>
        startup || (flow == Flow.Upstream
            ? type is FrontendCode.Query or FrontendCode.Parse or FrontendCode.Bind or FrontendCode.Execute
            : type is BackendCode.CommandComplete or BackendCode.ErrorResponse or BackendCode.ReadyForQuery);
}
