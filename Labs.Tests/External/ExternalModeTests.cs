using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using MediAI.AppHost;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MediAI.Labs.Tests.External;

/// <summary>
/// The lab on a department's existing Citus cluster (--Lab:Mode=external): four PostgreSQL +
/// Citus servers on four loopback "hosts", TLS only, formed before the lab sees them
/// (<see cref="DepartmentCluster"/>). The whole way a professor goes: the dry run, a refusal to
/// touch what is not the lab's, the real AppHost (no node, no agent started), the checker on the
/// solutions, a distributed commit, the cleanup — and the cluster as it was before.
/// </summary>
[NeedsCitus]
[Collection(LabProcesses.Collection)]
public sealed class ExternalModeTests
{
    [Fact]
    public async Task The_lab_runs_on_an_existing_multi_host_cluster_and_its_cleanup_leaves_the_cluster_as_it_was()
    {
        Installations.RequireCitus();
        await using var cluster = await DepartmentCluster.StartAsync();
        var coordinator = cluster.LabConnectionString();
        var port = cluster.Coordinator.Port;
        var asFound = await cluster.SnapshotAsync();

        // The dry run: what the bootstrap would do, node by node, and what it means — and nothing changed.
        var plan = await LabCommandLine.RunAsync("plan", "--coordinator", coordinator);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(plan.Output);
        Assert.Contains("Dry run: nothing was changed", plan.Output);
        foreach (var (host, city) in DepartmentCluster.Hosts.Zip(LabSites.All.Select(s => s.City)))
        {
            Assert.Contains($"+ {city} ({host}:{port}): create database mediAI", plan.Output);
        }

        Assert.Contains("+ role lab_reader: create it", plan.Output);
        Assert.Contains("Tokyo = 127.0.0.5:", plan.Output);
        Assert.Contains("citus.recover_2pc_interval = 1min", plan.Output);
        Assert.Equal(asFound, await cluster.SnapshotAsync());

        // Someone else's database named mediAI on Tokyo's host, and someone else's lab_reader (with a row of
        // theirs in it): the plan marks both, the bootstrap refuses and changes nothing.
        await DepartmentCluster.ExecuteAsync(cluster.Nodes[3], "CREATE DATABASE \"mediAI\"");
        await DepartmentCluster.ExecuteAsync(cluster.Nodes[3], "CREATE TABLE their_notes AS SELECT 'keep me' AS note", "mediAI");
        await DepartmentCluster.ExecuteAsync(cluster.Coordinator, "CREATE ROLE lab_reader LOGIN PASSWORD 'theirs'");
        var withTheirs = await cluster.SnapshotAsync();
        var marked = await LabCommandLine.RunAsync("plan", "--coordinator", coordinator);
        Assert.True(marked.ExitCode == 2, marked.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(marked.Output);
        Assert.Contains($"! Tokyo (127.0.0.5:{port}): database mediAI exists and was not made by the lab: left alone", marked.Output);
        Assert.Contains("! role lab_reader exists at Paris, Tunis, Montréal, Tokyo and was not made by the lab: left alone", marked.Output);
        var refused = await LabCommandLine.RunAsync(BootstrapEnvironment(coordinator), "bootstrap");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("The bootstrap changed nothing", refused.Output);
        Assert.Contains("--Lab:Overwrite=true", refused.Output);
        Assert.Equal(withTheirs, await cluster.SnapshotAsync());
        Assert.Single(await DepartmentCluster.QueryAsync(cluster.Nodes[3], "SELECT note FROM their_notes", "mediAI"));

        // With the flag, the plan says what it would destroy — and still changes nothing.
        var overwriting = await LabCommandLine.RunAsync("plan", "--coordinator", coordinator, "--Lab:Overwrite=true");
        Assert.True(overwriting.ExitCode == 0, overwriting.ToString());
        Assert.Contains($"+ Tokyo (127.0.0.5:{port}): database mediAI exists and was not made by the lab: DROPPED with everything in it (--Lab:Overwrite=true)", overwriting.Output);
        Assert.Contains("role lab_reader exists at Paris, Tunis, Montréal, Tokyo and was not made by the lab: TAKEN OVER", overwriting.Output);
        Assert.Equal(withTheirs, await cluster.SnapshotAsync());

        // The real AppHost in external mode, with that flag: their database dropped, their role taken over.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(6));
        string[] args =
        [
            "--Lab:Mode=external",
            $"--Lab:Coordinator={coordinator}",
            $"--Parameters:{ExternalLab.PasswordParameter}={TestPostgres.Password}",
            "--Lab:Overwrite=true",
            "--DcpPublisher:ContainerRuntimeInitializationTimeout=00:00:00",
        ];
        await using (var app = await LabApp.StartAsync(args, timeout.Token))
        {
            await LabApp.WaitUntilReadyAsync(app, timeout.Token);

            // No node and no agent of its own: the bootstrap and the API, the coordinator's connection string and password.
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            Assert.Empty(model.Resources.OfType<ContainerResource>());
            Assert.DoesNotContain(model.Resources, r => LabSites.Running(withSpare: true).Any(s => r.Name == s.Name || r.Name == s.AgentName));
            Assert.Equal(["cluster-bootstrap", "coordinator-api"], model.Resources.OfType<ExecutableResource>().Select(r => r.Name).Where(n => n != "aspire-dashboard").Order());
            // …and no PostgreSQL server started by the lab's process manager (DCP), as local mode's nodes are.
            Assert.DoesNotContain(ServerProcesses.WithArgument("/bin/postgres -D"), pid => StartedByDcp(pid));

            // Its own database on each host (Tokyo's theirs no more), its own Citus metadata there: Japan at Tokyo's host.
            foreach (var node in cluster.Nodes)
            {
                Assert.Single(await DepartmentCluster.QueryAsync(node, "SELECT 1 FROM pg_database WHERE datname = 'mediAI'"));
            }

            Assert.Empty(await DepartmentCluster.QueryAsync(cluster.Nodes[3], "SELECT 1 FROM pg_class WHERE relname = 'their_notes'", "mediAI"));

            var sites = await DepartmentCluster.QueryAsync(cluster.Coordinator, "SELECT country, nodename FROM lab_sites ORDER BY nodename", "mediAI");
            Assert.Equal(["France", "Tunisia", "Canada", "Japan"], sites.Select(r => (string)r[0]));
            Assert.Equal(DepartmentCluster.Hosts, sites.Select(r => (string)r[1]));
            var japan = await DepartmentCluster.QueryAsync(cluster.Coordinator,
                "SELECT nodename FROM pg_dist_shard_placement WHERE shardid = get_shard_id_for_distribution_column('patients', 'Japan')", "mediAI");
            Assert.Equal("127.0.0.5", (string)Assert.Single(japan)[0]);

            // TLS: every session of the lab's programs at the coordinator is encrypted.
            var sessions = await DepartmentCluster.QueryAsync(cluster.Coordinator,
                "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE 'mediai%'");
            Assert.NotEmpty(sessions);
            Assert.All(sessions, r => Assert.True((bool)r[0]));

            // The checker on the solutions, over TLS with the cluster's certificate checked.
            var check = await LabCheck.RunArgsAsync(LabCheck.Solutions, "--host", cluster.Coordinator.Host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--sslmode", "VerifyFull", "--root-cert", cluster.Certificate, "--json");
            Assert.StartsWith("12.1", check.Report.GetProperty("citus").GetString());
            var parts1to3 = check.Questions.Where(q => q.GetProperty("part").GetInt32() <= 3).ToList();
            Assert.True(parts1to3.Count >= 15, check.Output + check.Error);
            Assert.All(parts1to3, q => Assert.True(q.GetProperty("outcome").GetString() == "pass", q.ToString()));

            // A distributed commit through the API: Yuki Tanaka's record at Tokyo and her bill at Paris.
            using var http = app.CreateHttpClient("coordinator-api", "http");
            var consultation = await http.PostAsync("/transactions/emergency-consultation", null, timeout.Token);
            var body = await consultation.Content.ReadAsStringAsync(timeout.Token);
            Assert.True(consultation.IsSuccessStatusCode, body);
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("committed").GetBoolean(), body);
            var records = await DepartmentCluster.QueryAsync(cluster.Coordinator, "SELECT count(*) FROM medicalrecords WHERE country = 'Japan'", "mediAI");
            var seeded = await DepartmentCluster.QueryAsync(cluster.Coordinator, "SELECT count(*) FROM transactions WHERE country = 'France'", "mediAI");
            Assert.True((long)records[0][0] > 0 && (long)seeded[0][0] > 0);
            var map = await http.GetFromJsonAsync<JsonElement>("/cluster", timeout.Token);
            Assert.Equal(4, map.EnumerateArray().Count(s => s.GetProperty("reachable").GetBoolean()));

            // The data generator's job: generated rows in the lab's database, each country at its site's host.
            await Citus.DataGeneratorTests.GenerateAsync(http, new { patients = 4_000, seed = 2, skewed = true });
            var generated = await DepartmentCluster.QueryAsync(cluster.Coordinator,
                "SELECT nodename FROM pg_dist_shard_placement WHERE shardid = get_shard_id_for_distribution_column('lab_scale.patients', 'Japan')", "mediAI");
            Assert.Equal("127.0.0.5", (string)Assert.Single(generated)[0]);

            // Class grading's job: Parts 1–3 and 5 graded as on a laptop, each student in a role of their own;
            // Part 4 (its replay drops a site's link and kills the coordinator) skipped, saying why.
            using (var students = Grading.ClassFolders.Create("ada", "chloe"))
            {
                var graded = await LabCheck.RunArgsAsync("--class", students.Root, "--at", Grading.ClassFolders.Deadline, "--api", http.BaseAddress!.ToString(), "--timeout", "30");
                Assert.True(graded.ExitCode == 0, graded.Output + graded.Error);
                var book = JsonDocument.Parse(File.ReadAllText(Path.Combine(students.Root, "_gradebook", "gradebook.json"))).RootElement;
                JsonElement Questions(string name) => book.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("student").GetString() == name).GetProperty("questions");
                foreach (var q in Questions("ada").EnumerateArray().Where(q => q.GetProperty("part").GetInt32() is 1 or 2 or 3 or 4))
                {
                    var expected = q.GetProperty("part").GetInt32() == 4 ? "skipped" : "pass";
                    Assert.True(q.GetProperty("outcome").GetString() == expected, q.ToString());
                }

                Assert.Contains("not graded on an existing cluster", Questions("ada").EnumerateArray().First(q => q.GetProperty("id").GetString() == "4b").GetProperty("reasons")[0].GetString());
                Assert.Equal("fail", Questions("chloe").EnumerateArray().First(q => q.GetProperty("id").GetString() == "1.1").GetProperty("outcome").GetString());
                foreach (var node in cluster.Nodes)
                {
                    Assert.Empty(await DepartmentCluster.QueryAsync(node, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'grade\\_%'"));
                }
            }

            // The fault campaign needs agents in front of the nodes: refused before anything changes, saying so.
            using var campaign = await http.PostAsJsonAsync("/jobs/fault-campaign", new { transactions = 20 }, timeout.Token);
            var refusal = await campaign.Content.ReadAsStringAsync(timeout.Token);
            Assert.True(campaign.StatusCode == System.Net.HttpStatusCode.UnprocessableEntity, refusal);
            Assert.Contains("needs a site agent at every site", refusal);
        }

        // Stopped: DCP ends the bootstrap's and the API's processes within seconds.
        for (var i = 0; i < 60 && LabProcesses.Running().Count > 0; i++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Empty(LabProcesses.Running());
        var withLab = await cluster.SnapshotAsync();

        // The cleanup: first what it would remove (nothing changed), then with --yes.
        var dry = await LabCommandLine.RunAsync("cleanup", "--coordinator", coordinator);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(dry.Output);
        foreach (var host in DepartmentCluster.Hosts)
        {
            Assert.Contains($"({host}:{port}): would drop database mediAI", dry.Output);
        }

        Assert.Equal(withLab, await cluster.SnapshotAsync());
        var cleanup = await LabCommandLine.RunAsync("cleanup", "--coordinator", coordinator, "--yes");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(cleanup.Output);
        Assert.Contains($"Paris (127.0.0.2:{port}): dropped role(s) lab_reader", cleanup.Output);
        // As found before their database and role were planted (--Lab:Overwrite=true replaced both, with the lab's).
        Assert.Equal(asFound, await cluster.SnapshotAsync());

        // Once more: nothing of the lab's is left to remove.
        var again = await LabCommandLine.RunAsync("cleanup", "--coordinator", coordinator, "--yes");
        Assert.Contains("nothing of the lab's on this cluster", again.Output);
    }

    /// <summary>Whether a process descends from DCP (a few generations up: setpriv sits between DCP and a local node's postgres).</summary>
    private static bool StartedByDcp(int pid)
    {
        for (var i = 0; i < 4 && pid > 1; i++)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                pid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains("/dcp ", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The bootstrap as the AppHost starts it in external mode (cluster-bootstrap's settings).</summary>
    public static Dictionary<string, string> BootstrapEnvironment(string coordinator) => new()
    {
        [$"ConnectionStrings__{CoordinatorOptions.ExternalCoordinator}"] = coordinator,
        ["Lab__External"] = "true",
        ["Lab__CoordinatorPassword"] = TestPostgres.Password,
    };
}
