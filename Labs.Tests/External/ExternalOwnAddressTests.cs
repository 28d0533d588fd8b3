using System.Globalization;
using System.Net.Sockets;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.External;

/// <summary>
/// A department's cluster whose nodes listen only on their own addresses (127.0.0.2 … on one port),
/// nothing on localhost, and citus.local_hostname left at Citus's default ('localhost'): Citus's
/// connections to its own node (the bootstrap's shard splits) would go where nothing listens. The
/// plan checks the connections Citus will open, the bootstrap gives the lab's database its node's
/// own address, the solutions grade, and the cleanup leaves the cluster as found.
/// </summary>
[NeedsCitus]
[Collection(Citus.CitusCluster.Collection)]
public sealed class ExternalOwnAddressTests
{
    [Fact]
    public async Task A_cluster_that_does_not_listen_on_localhost_is_planned_bootstrapped_graded_and_left_as_found()
    {
        Installations.RequireCitus();
        await using var cluster = await DepartmentCluster.StartAsync(tls: false, localHostname: false);
        var port = cluster.Coordinator.Port;
        var coordinator = cluster.LabConnectionString();

        // As the department runs it: nothing at localhost on that port, and Citus's default for its own node.
        Assert.False(Answers("127.0.0.1", port), $"nothing may listen at localhost:{port}");
        Assert.Equal("localhost", (string)(await DepartmentCluster.QueryAsync(cluster.Coordinator, "SHOW citus.local_hostname"))[0][0]);
        var asFound = await cluster.SnapshotAsync();

        // A site's address where nothing listens (an agent's gateway not started): the plan refuses, naming it.
        var closed = FreePorts.FirstFree(Random.Shared.Next(50_000, 55_000), new HashSet<int>());
        var environment = ExternalModeTests.BootstrapEnvironment(coordinator);
        environment["Lab__ClusterAddresses__tokyo"] = $"127.0.0.1:{closed}";
        var unreachable = await LabCommandLine.RunAsync(environment, "plan", "--coordinator", coordinator);
        Assert.True(unreachable.ExitCode == 2, unreachable.ToString());
        Assert.Contains($"! Citus on the coordinator cannot open a connection to Tokyo at 127.0.0.1:{closed}, which the bootstrap needs", unreachable.Output);
        var refused = await LabCommandLine.RunAsync(environment, "bootstrap");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("The bootstrap changed nothing", refused.Output);
        Assert.Equal(asFound, await cluster.SnapshotAsync());

        // The plan tries Citus's own connections, its node's own address included, and says it can go.
        var plan = await LabCommandLine.RunAsync("plan", "--coordinator", coordinator);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(plan.Output);
        Assert.Contains($"= Citus's own connections from the coordinator open: to itself at 127.0.0.2:{port} (shard splits; the lab sets citus.local_hostname = '127.0.0.2' for mediAI)", plan.Output);
        Assert.Contains($"to Tokyo at 127.0.0.5:{port}", plan.Output);
        Assert.Equal(asFound, await cluster.SnapshotAsync());

        // The bootstrap goes: Japan isolated in a shard of its own (a split on the coordinator) and placed at Tokyo's host.
        var bootstrap = await LabCommandLine.RunAsync(ExternalModeTests.BootstrapEnvironment(coordinator), "bootstrap");
        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        var japan = await DepartmentCluster.QueryAsync(cluster.Coordinator,
            "SELECT nodename FROM pg_dist_shard_placement WHERE shardid = get_shard_id_for_distribution_column('patients', 'Japan')", "mediAI");
        Assert.Equal("127.0.0.5", (string)Assert.Single(japan)[0]);

        // The lab's database has each node's own address; the server and the cluster's own database keep Citus's default.
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(node.Host, (string)(await DepartmentCluster.QueryAsync(node, "SHOW citus.local_hostname", "mediAI"))[0][0]);
            Assert.Equal("localhost", (string)(await DepartmentCluster.QueryAsync(node, "SHOW citus.local_hostname"))[0][0]);
        }

        // The solutions, graded on it: Parts 1–3 pass.
        var check = await LabCheck.RunArgsAsync(LabCheck.Solutions, "--host", cluster.Coordinator.Host, "--port", port.ToString(CultureInfo.InvariantCulture),
            "--sslmode", "VerifyFull", "--root-cert", cluster.Certificate, "--json");
        var parts1to3 = check.Questions.Where(q => q.GetProperty("part").GetInt32() <= 3).ToList();
        Assert.True(parts1to3.Count >= 15, check.Output + check.Error);
        Assert.All(parts1to3, q => Assert.True(q.GetProperty("outcome").GetString() == "pass", q.ToString()));

        // The cleanup leaves the cluster as the department had it.
        var cleanup = await LabCommandLine.RunAsync("cleanup", "--coordinator", coordinator, "--yes");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Equal(asFound, await cluster.SnapshotAsync());
    }

    private static bool Answers(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(host, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
