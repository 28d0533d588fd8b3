using System.Net;
using System.Net.Sockets;
using MediAI.SiteAgents.Relay;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Gateway;

/// <summary>
/// This site's TCP gateway: accepts links and relays each one to the site's node. Every node is
/// registered in Citus under its agent's gateway, so all inter-node traffic crosses it. At Paris
/// it also keeps the students' door (<see cref="SiteAgentOptions.ClientPort"/>): psql and DBeaver
/// reach the coordinator through it, with no faults, and get a clear error when the node is down.
/// </summary>
public sealed partial class GatewayListener(
    SiteAgentOptions site, IFaultSource faults, ConnectionRegistry connections, LinkTracers tracers, TraceLinks traceLinks, ILogger<GatewayListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan NodeConnectTimeout = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Faults act on the inter-node links only: a student's own session is never "the WAN", and
    /// taking Paris down leaves the student's psql open to watch what the coordinator does.
    /// </summary>
    private readonly IFaultSource _noFaults = NoFaults.Instance;
    private readonly ConnectionRegistry _doorLinks = new();

    /// <summary>The first address the gateway listens on, once it does.</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listeners = new List<(TcpListener Listener, bool Door)>();
        try
        {
            foreach (var address in site.BindAddresses)
            {
                listeners.Add((Listen(address, site.GatewayPort, "gateway"), false));
            }

            if (site.ClientPort is { } door)
            {
                // Where the gateway listens: loopback, and on a Linux engine the bridge's address too,
                // so that psql inside citus_master (docker exec) comes in through the door as well.
                foreach (var address in site.BindAddresses)
                {
                    listeners.Add((Listen(address, door, "students' door"), true));
                }
            }
        }
        catch (SocketException e)
        {
            _bound.TrySetException(e);
            foreach (var (listener, _) in listeners)
            {
                listener.Stop();
            }

            throw;
        }

        _bound.TrySetResult((IPEndPoint)listeners[0].Listener.LocalEndpoint);
        faults.Added += fault =>
        {
            if (LinkFaults.DropsOpenLinks(fault))
            {
                connections.ResetAll();
            }
        };

        try
        {
            await Task.WhenAll(listeners.Select(l => AcceptAsync(l.Listener, l.Door, stoppingToken)));
        }
        finally
        {
            foreach (var (listener, _) in listeners)
            {
                listener.Stop();
            }
        }
    }

    private TcpListener Listen(string address, int port, string role)
    {
        var listener = new TcpListener(IPAddress.Parse(address), port);
        try
        {
            listener.Start(backlog: 512);
        }
        catch (SocketException e)
        {
            LogCannotListen(logger, site.City, address, port, e.Message);
            throw;
        }

        // Once per listener, at start: not the hot path CA1873 guards.
#pragma warning disable CA1873
        LogListening(logger, site.City, role, listener.LocalEndpoint.ToString()!, site.Node.Host, site.Node.Port);
#pragma warning restore CA1873
        return listener;
    }

    private async Task AcceptAsync(TcpListener listener, bool door, CancellationToken stoppingToken)
    {
        var links = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            links.RemoveAll(t => t.IsCompleted);
            links.Add(ServeAsync(client, door, stoppingToken));
        }

        (door ? _doorLinks : connections).ResetAll();
        await Task.WhenAll(links);
    }

    private async Task ServeAsync(Socket client, bool door, CancellationToken stoppingToken)
    {
        client.NoDelay = true;
        var linkFaults = door ? _noFaults : faults;
        if (!LinkFaults.AdmitNewLink(linkFaults))
        {
            // The site is "down": the client sees its connection reset, as with a dead host's port.
            client.LingerState = new LingerOption(true, 0);
            client.Dispose();
            return;
        }

        var node = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(NodeConnectTimeout);
            await node.ConnectAsync(site.Node.Host, site.Node.Port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            LogNodeUnreachable(logger, site.City, site.NodeName, site.Node.Host, site.Node.Port, e.Message);
            node.Dispose();
            if (door)
            {
                await NodeDownAnswer.SendAsync(client, site, stoppingToken);
            }

            client.Dispose();
            return;
        }

        var registry = door ? _doorLinks : connections;
        var tracer = door ? tracers.ForDoor() : tracers.ForGateway();
        var link = new GatewayConnection(registry.NextId(), client, node, site, linkFaults, tracer, logger, door ? traceLinks.For(tracer) : null);
        registry.Add(link);
        try
        {
            await link.RunAsync(stoppingToken);
        }
        finally
        {
            registry.Remove(link);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{City}: {Role} listening on {Endpoint}, relaying to the node at {NodeHost}:{NodePort}")]
    private static partial void LogListening(ILogger logger, string city, string role, string endpoint, string nodeHost, int nodePort);

    [LoggerMessage(Level = LogLevel.Error, Message = "{City}: the gateway cannot listen on {Address}:{Port} ({Reason}). Free that port or restart the lab: the AppHost chooses free ports at start.")]
    private static partial void LogCannotListen(ILogger logger, string city, string address, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{City}: the node ({NodeName}) at {NodeHost}:{NodePort} is unreachable ({Reason}); the link was closed. Start the node's resource in the dashboard.")]
    private static partial void LogNodeUnreachable(ILogger logger, string city, string nodeName, string nodeHost, int nodePort, string reason);
}
