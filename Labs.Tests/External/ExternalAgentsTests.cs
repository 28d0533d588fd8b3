using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.External;

/// <summary>
/// Site agents beside an existing cluster's nodes (docs/professor-guide.md, "Site agents beside the cluster's
/// nodes"): a real agent in front of each of the four hosts, registered as the professor does
/// (each gateway for the bootstrap, each agent's HTTP address for the API). The bootstrap
/// registers the nodes under the gateways in the lab's own metadata only, and the fault
/// campaign's gateway faults run on the cluster — no node kill — keeping its invariants.
/// </summary>
// With the Citus tier's own heavy tests (fault campaigns, class grading), not beside them: a 2-core machine.
[NeedsCitus]
[Collection(Citus.CitusCluster.Collection)]
public sealed class ExternalAgentsTests
{
    [Fact]
    public async Task With_agents_beside_the_nodes_the_fault_campaigns_gateway_faults_run_on_the_existing_cluster()
    {
        Installations.RequireCitus();
        await using var cluster = await DepartmentCluster.StartAsync(tls: false);
        var agents = new List<TestAgent>();
        try
        {
            foreach (var (site, node) in LabSites.All.Zip(cluster.Nodes))
            {
                // Named apart from the Citus tier's agents in this test process (spans are told apart by site name); the API finds each by its registration.
                agents.Add(await TestAgent.StartAsync(node, $"dept-{site.Name}", site.City));
            }

            var coordinator = $"Host={cluster.Coordinator.Host};Port={cluster.Coordinator.Port};Username=postgres";
            var gateways = LabSites.All.Zip(agents, (site, agent) => (site, agent)).ToList();
            var asFound = await cluster.SnapshotAsync();

            // The dry run names the gateways it would register; the bootstrap registers them.
            var environment = ExternalModeTests.BootstrapEnvironment(coordinator);
            foreach (var (site, agent) in gateways)
            {
                environment[$"Lab__ClusterAddresses__{site.Name}"] = $"127.0.0.1:{agent.Gateway.Port}";
            }

            var plan = await LabCommandLine.RunAsync(environment, "plan", "--coordinator", coordinator);
            Assert.True(plan.ExitCode == 0, plan.ToString());
            Assert.Contains($"Tokyo = 127.0.0.1:{agents[3].Gateway.Port}", plan.Output);
            var bootstrap = await LabCommandLine.RunAsync(environment, "bootstrap");
            Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
            // The role's password (the one the professor gave) is never printed: its statement is, starred.
            Assert.Contains("CREATE ROLE lab_reader LOGIN PASSWORD '***'", bootstrap.Output);
            Assert.DoesNotContain($"'{TestPostgres.Password}'", bootstrap.Output);
            var registered = await DepartmentCluster.QueryAsync(cluster.Coordinator, "SELECT nodeport FROM pg_dist_node ORDER BY nodeid", "mediAI");
            Assert.Equal(agents.Select(a => a.Gateway.Port).Order(), registered.Select(r => (int)r[0]).Order());

            // The API, given each agent as the AppHost gives it (--Lab:Agents:tokyo=… becomes services:agent-tokyo).
            await using var api = await TestCoordinator.StartWithArgsAsync([
                "--Lab:External=true",
                $"--ConnectionStrings:coordinator={coordinator}",
                $"--Lab:CoordinatorPassword={TestPostgres.Password}",
                $"--Lab:DataDir={Installations.DataDir}",
                .. gateways.SelectMany(g => new[]
                {
                    $"--Lab:ClusterAddresses:{g.site.Name}=127.0.0.1:{g.agent.Gateway.Port}",
                    $"--services:{g.site.AgentName}:http:0={g.agent.Http.BaseAddress!.ToString().TrimEnd('/')}",
                }),
            ]);
            var map = await api.Http.GetFromJsonAsync<JsonElement>("/cluster", TestContext.Current.CancellationToken);
            Assert.All(map.EnumerateArray(), s => Assert.True(s.GetProperty("agent").GetProperty("reachable").GetBoolean(), s.ToString()));

            var result = await Citus.FaultCampaignTests.RunAsync(api.Http, new { transactions = 60, faultRate = 0.7, seed = 11 }, TimeSpan.FromMinutes(5));
            var invariants = result.GetProperty("invariants");
            Assert.True(invariants.GetProperty("violations").GetArrayLength() == 0, invariants.GetProperty("violations").ToString());
            var kinds = result.GetProperty("faultsByKind").EnumerateObject().Select(k => k.Name).ToList();
            Assert.Contains("drop_after_prepare", kinds);
            Assert.DoesNotContain(kinds, k => k.StartsWith("crash_", StringComparison.Ordinal));
            TestContext.Current.TestOutputHelper?.WriteLine($"faults {result.GetProperty("faults")}, in doubt {result.GetProperty("inDoubtBeforeRecovery")}; by kind: {invariants.GetProperty("byFaultKind")}");

            foreach (var node in cluster.Nodes)
            {
                Assert.Empty(await DepartmentCluster.QueryAsync(node, "SELECT gid FROM pg_prepared_xacts WHERE database = 'mediAI'"));
            }

            // The cluster's own metadata never saw the gateways; the cleanup leaves it as it was.
            var cleanup = await LabCommandLine.RunAsync("cleanup", "--coordinator", coordinator, "--yes");
            Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
            Assert.Equal(asFound, await cluster.SnapshotAsync());
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }
}
