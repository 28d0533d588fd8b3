using System.Net;
using System.Net.Sockets;
using MediAI.SiteAgents.Faults;
using MediAI.SiteAgents.Tracing;

namespace MediAI.SiteAgents.Gateway;

/// <summary>
/// This site's TCP gateway: accepts links and relays each one to the site's node. Every node is
/// registered in Citus under its agent's gateway, so all inter-node traffic crosses it.
/// </summary>
public sealed partial class GatewayListener(
    SiteContext site, FaultRegistry faults, ConnectionRegistry connections, TraceContextStore traces, ILogger<GatewayListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan NodeConnectTimeout = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address the gateway listens on, once it does.</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new TcpListener(IPAddress.Parse(site.BindAddress), site.GatewayPort);
        try
        {
            listener.Start(backlog: 512);
        }
        catch (SocketException e)
        {
            LogCannotListen(logger, site.City, site.BindAddress, site.GatewayPort, e.Message);
            _bound.TrySetException(e);
            throw;
        }

        _bound.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        faults.Added += fault =>
        {
            if (!fault.AllowsConnection)
            {
                connections.ResetAll();
            }
        };
        LogListening(logger, site.City, listener.LocalEndpoint.ToString()!, site.NodeHost, site.NodePort);

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
            links.Add(ServeAsync(client, stoppingToken));
        }

        connections.ResetAll();
        await Task.WhenAll(links);
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        client.NoDelay = true;
        if (faults.Snapshot.Any(f => !f.AllowsConnection))
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
            await node.ConnectAsync(site.NodeHost, site.NodePort, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            LogNodeUnreachable(logger, site.City, site.NodeHost, site.NodePort, e.Message);
            node.Dispose();
            client.Dispose();
            return;
        }

        var link = new GatewayConnection(connections.NextId(), client, node, site, faults, traces, logger);
        connections.Add(link);
        try
        {
            await link.RunAsync(stoppingToken);
        }
        finally
        {
            connections.Remove(link);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{City}: gateway listening on {Endpoint}, relaying to the node at {NodeHost}:{NodePort}")]
    private static partial void LogListening(ILogger logger, string city, string endpoint, string nodeHost, int nodePort);

    [LoggerMessage(Level = LogLevel.Error, Message = "{City}: the gateway cannot listen on {Address}:{Port} ({Reason}). Free that port or restart the lab: the AppHost chooses free ports at start.")]
    private static partial void LogCannotListen(ILogger logger, string city, string address, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{City}: the node at {NodeHost}:{NodePort} is unreachable ({Reason}); the link was closed. Check the node's resource in the dashboard.")]
    private static partial void LogNodeUnreachable(ILogger logger, string city, string nodeHost, int nodePort, string reason);
}
