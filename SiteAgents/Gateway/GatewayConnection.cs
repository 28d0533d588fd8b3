using System.IO.Pipelines;
using System.Net.Sockets;
using MediAI.SiteAgents.Protocol;
using MediAI.SiteAgents.Relay;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Gateway;

/// <summary>
/// One client's link to this site's node through the gateway: two pumps, the tracer, and the
/// link's faults (<see cref="LinkFaults"/>, which the pumps ask). Whatever goes wrong on one link
/// closes that link only.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_closed holds nothing to release; see its comment.")]
public sealed partial class GatewayConnection : IFaultTarget
{
    private readonly Socket _client;
    private readonly Socket _node;
    private readonly SiteAgentOptions _site;
    private readonly LinkFaults _faults;
    private readonly ILinkObserver _tracer;
    private readonly ILinkRule? _rule;
    private readonly ILogger _logger;
    private readonly LinkWriter _toClient;
    private readonly LinkWriter _toNode;
    // Never disposed, on purpose: a source without a timer holds nothing to release, and the registry
    // may close a link (Cancel) after its run has ended.
    private readonly CancellationTokenSource _closed = new();
    private int _reset;
    private volatile bool _severed;
    private bool _judgingDownstream;

    public GatewayConnection(long id, Socket client, Socket node, SiteAgentOptions site, IFaultSource faults, ILinkObserver tracer, ILogger logger, ILinkRule? rule = null)
    {
        _rule = rule;
        ConnectionId = id;
        _client = client;
        _node = node;
        _site = site;
        _logger = logger;
        _tracer = tracer;
        _toClient = new LinkWriter(new NetworkStream(client, ownsSocket: false));
        _toNode = new LinkWriter(new NetworkStream(node, ownsSocket: false));
        _faults = new LinkFaults(faults, this, OnFaultActed);
    }

    public string Site => _site.Name;
    public long ConnectionId { get; }

    public ValueTask ReplyToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // While the node's answer is being judged, a reply takes its place in that stream (after
        // the rows before it, before the message judged); otherwise it goes out now.
        if (_judgingDownstream)
        {
            _toClient.Hold(bytes);
            return ValueTask.CompletedTask;
        }

        return _toClient.WriteAsync(bytes, cancellationToken);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        var fromClient = PipeReader.Create(new NetworkStream(_client, ownsSocket: false), new StreamPipeReaderOptions(bufferSize: 16 * 1024));
        var fromNode = PipeReader.Create(new NetworkStream(_node, ownsSocket: false), new StreamPipeReaderOptions(bufferSize: 16 * 1024));
        var upstream = new MessagePump(Flow.Upstream, fromClient, _toNode, _faults, OnMessageAsync).RunAsync(linked.Token);
        var downstream = new MessagePump(Flow.Downstream, fromNode, _toClient, _faults, OnMessageAsync).RunAsync(linked.Token);
        try
        {
            var first = await Task.WhenAny(upstream, downstream);
            if (_severed)
            {
                // A fault's last message is on its way: let that pump finish relaying it.
                await Task.WhenAny(Task.WhenAll(Quietly(upstream), Quietly(downstream)), Task.Delay(TimeSpan.FromSeconds(5), stopping));
            }

            var end = await first; // rethrows a protocol violation
            if (end == PumpEnd.Reset)
            {
                Reset();
            }
        }
        catch (ProtocolViolationException e)
        {
            LogProtocolViolation(_logger, _site.City, ConnectionId, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // A side went away; the other side is closed below.
        }
        finally
        {
            _tracer.Abandon("link closed before the node answered");
            _closed.Cancel();
            Close();
            await Task.WhenAll(Quietly(upstream), Quietly(downstream));
            await fromClient.CompleteAsync();
            await fromNode.CompleteAsync();
        }
    }

    /// <summary>The link's own rules, before its faults see the message.</summary>
    private async ValueTask<Verdict> OnMessageAsync(PgMessage message, CancellationToken cancellationToken)
    {
        // The gateway must read the protocol, so it declines encryption; clients with
        // sslmode=prefer (psql, Npgsql, Citus with sslmode=disable) carry on in clear text.
        if (message.IsSslRequest || message.IsGssEncRequest)
        {
            await ReplyToClientAsync(BackendMessages.EncryptionRefused, cancellationToken);
            return Verdict.Swallow;
        }

        _tracer.Observe(message);
        if (_rule is null)
        {
            return Verdict.Forward;
        }

        _judgingDownstream = message.Flow == Flow.Downstream;
        try
        {
            return await _rule.OnMessageAsync(message, this, cancellationToken);
        }
        finally
        {
            _judgingDownstream = false;
        }
    }

    private void OnFaultActed(IFault fault, Verdict verdict, Flow flow)
    {
        if (verdict == Verdict.ForwardThenClose)
        {
            // Nothing may cross the other way any more: a client that answers this message at
            // once (COMMIT PREPARED after the PREPARE acknowledgement) must not reach the node.
            _severed = true;
            Sever(flow == Flow.Downstream ? _node : _client);
        }

        LogFaultActed(_logger, _site.City, fault.Type, fault.Name, verdict, ConnectionId);
    }

    private static void Sever(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes both sides with a TCP reset ("connection reset by peer").</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _reset, 1) == 0)
        {
            foreach (var socket in new[] { _client, _node })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            }
        }

        _closed.Cancel();
        Close();
    }

    private void Close()
    {
        foreach (var socket in new[] { _client, _node })
        {
            try
            {
                socket.Dispose();
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ProtocolViolationException or ObjectDisposedException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{City}: closed link {ConnectionId}: {Reason}. Other links are unaffected.")]
    private static partial void LogProtocolViolation(ILogger logger, string city, long connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{City}: fault {Type} ({Name}) acted on link {ConnectionId}: {Verdict}")]
    private static partial void LogFaultActed(ILogger logger, string city, string type, string name, Verdict verdict, long connectionId);
}
