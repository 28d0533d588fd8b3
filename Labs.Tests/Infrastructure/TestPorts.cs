using MediAI.AppHost.Setup;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// Where the test run's own servers listen. A lab a test starts (the LabProcesses collection)
/// chooses its door, node and gateway ports free when it starts and binds them seconds later,
/// while the other collections' tests run; one of their servers taking such a port in between
/// leaves that lab's agent or node unable to start. So labs keep 25,000–32,000 (a door, the
/// nodes from door+1, the gateways from door+100, a dashboard) and every other test server goes
/// to 10,000–17,500: under the dashboard's 18888–18890, and under the kernel's ephemeral range
/// (32768 and up), where Aspire's own endpoints and every outgoing connection get their ports.
/// </summary>
internal static class TestPorts
{
    /// <summary>A free port for a test's own server (a PostgreSQL, an agent's door): never one a lab may be about to bind.</summary>
    public static int ForServer() => FreePorts.FirstFree(Random.Shared.Next(10_000, 17_500), new HashSet<int>());
}
