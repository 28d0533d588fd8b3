using System.Net;
using System.Net.Sockets;

namespace MediAI.AppHost.Setup;

/// <summary>Port choice for the nodes, so a PostgreSQL already on 5432 does not stop the lab.</summary>
public static class FreePorts
{
    public static bool IsFree(int port)
    {
        // Probe both loopback families: a system PostgreSQL may hold only one of them.
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.Any })
        {
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first free port at or after <paramref name="from"/>, skipping <paramref name="taken"/>.</summary>
    public static int FirstFree(int from, IReadOnlySet<int> taken)
    {
        for (var port = from; port < from + 200; port++)
        {
            if (!taken.Contains(port) && IsFree(port))
            {
                return port;
            }
        }

        throw new LabSetupException($"No free TCP port between {from} and {from + 199}. Close some servers, or pin ports with --Lab:CoordinatorPort.");
    }
}
