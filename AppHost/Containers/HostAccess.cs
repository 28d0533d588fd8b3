using System.Net;
using System.Net.NetworkInformation;

namespace MediAI.AppHost.Containers;

/// <summary>
/// Where the site agents' gateways listen so that the nodes' containers reach them, and nothing
/// else does. Containers reach the host as host.docker.internal: on Docker Desktop that arrives on
/// the host's loopback; on a Linux engine it is the default bridge's gateway address (docker0),
/// which only this machine and its containers can reach. Never 0.0.0.0: measured, a gateway on
/// every interface let anyone on the campus network in as the nodes' superuser.
/// </summary>
public static class HostAccess
{
    public const string ContainerHostName = "host.docker.internal";

    /// <summary>Loopback, plus the bridge gateway address when it is an address of this machine (Linux engines).</summary>
    public static IReadOnlyList<string> GatewayBindAddresses()
    {
        var addresses = new List<string> { IPAddress.Loopback.ToString() };
        // host-gateway is the default bridge's gateway: the host's own address in the bridge's subnet
        // (Docker 20.10 lists only the subnet, newer engines the gateway too).
        var bridge = DockerCli.Run("network", "inspect", "bridge", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}");
        if (!bridge.Ok)
        {
            return addresses;
        }

        var subnets = bridge.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => IPNetwork.TryParse(s, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>()
            .ToList();
        var local = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && subnets.Any(n => n.Contains(a)));
        addresses.AddRange(local.Select(a => a.ToString()).Distinct());
        return addresses;
    }
}
