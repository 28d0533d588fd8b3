using System.Buffers;

namespace MediAI.SiteAgents.Protocol;

/// <summary>
/// Splits one direction's byte stream into messages, copying nothing: fed the bytes read so far,
/// it says what comes next — a message (its header, and the first bytes of its body when tracing
/// or faults read them), or how many of the current message's bytes to pass through — and keeps
/// its place between buffers. Synchronous and without I/O, so it is tested on byte sequences
/// alone; the pump (MediAI.SiteAgents.Relay) does the relaying.
/// </summary>
/// <remarks>
/// A message frame consumes nothing: the byte frames that follow carry the whole message, header
/// included, so whoever relays passes it on, or drops it, in one piece. Lengths no PostgreSQL
/// peer would send throw <see cref="ProtocolViolationException"/> (<see cref="MessageFramer"/>).
/// </remarks>
public sealed class FrameReader(Flow flow)
{
    private bool _startup = flow == Flow.Upstream; // the client speaks first, without a type byte
    private long _unpassed; // bytes of the current message, header included, not yet passed

    /// <summary>True between messages: every byte of the last message has been passed.</summary>
    public bool AtMessageBoundary => _unpassed == 0;

    /// <summary>What comes next at <paramref name="position"/> in <paramref name="buffer"/>; <paramref name="completed"/>: no more bytes will come.</summary>
    public Frame Read(ReadOnlySequence<byte> buffer, long position, bool completed)
    {
        var available = buffer.Length - position;
        if (_unpassed > 0)
        {
            var take = Math.Min(_unpassed, available);
            if (take == 0)
            {
                return Frame.NeedMore;
            }

            _unpassed -= take;
            return Frame.Bytes(take);
        }

        var unread = buffer.Slice(position);
        if (!MessageFramer.TryReadHeader(unread, _startup, out var type, out var length, out var code, out var headerSize))
        {
            return Frame.NeedMore;
        }

        var bodyOffset = _startup ? 4 : 5; // a startup packet's body starts with its code, as PgMessage.StartupParameters expects
        long wire = _startup ? length : length + 1L;
        long inspect = IsRead(type) ? Math.Min(wire, bodyOffset + MessageFramer.InspectLimit) : headerSize;
        if (available < inspect)
        {
            return completed
                ? throw new ProtocolViolationException($"the peer closed in the middle of a {(_startup ? "startup packet" : $"'{type}' message")}")
                : Frame.NeedMore;
        }

        var message = new PgMessage(flow, type, code, length, unread.Slice(Math.Min(bodyOffset, inspect), Math.Max(0, inspect - bodyOffset)), truncated: wire > inspect);
        if (message.IsStartup || (_startup && code == MessageFramer.CancelRequestCode))
        {
            _startup = false; // SSLRequest/GSSENCRequest are followed by another startup packet
        }

        _unpassed = wire;
        return Frame.Of(message);
    }

    /// <summary>The messages whose content tracing or faults read; all others are passed on their header alone.</summary>
    private bool IsRead(char type) =>
        _startup || (flow == Flow.Upstream
            ? type is FrontendCode.Query or FrontendCode.Parse or FrontendCode.Bind or FrontendCode.Execute
            : type is BackendCode.CommandComplete or BackendCode.ErrorResponse or BackendCode.ReadyForQuery or BackendCode.BackendKeyData);
}
