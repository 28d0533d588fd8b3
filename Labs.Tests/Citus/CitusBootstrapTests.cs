using System.Diagnostics;
using MediAI.AppHost;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: the bootstrap on a real four-node Citus cluster. Skipped, with the reason, where
/// the local PostgreSQL has no Citus.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class CitusBootstrapTests(CitusCluster cluster)
{
    private static Task<List<object[]>> QueryAsync(TestPostgres node, string sql) => node.QueryAsync("mediAI", sql);

    [Fact]
    public async Task Pg_dist_node_lists_four_active_nodes_and_paris_holds_shards()
    {
        Installations.RequireCitus();
        Assert.True(cluster.FirstRun!.Citus);
        var nodes = await QueryAsync(cluster.Coordinator,
            "SELECT groupid, nodeport, isactive, shouldhaveshards FROM pg_dist_node ORDER BY groupid");
        Assert.Equal(4, nodes.Count);
        Assert.All(nodes, n => Assert.True((bool)n[2]));
        // Registered under the site agents' gateways: all inter-node traffic crosses them.
        Assert.Equal(LabSites.All.Select(s => cluster.Agent(s.Name).Gateway.Port).Order(), nodes.Select(n => (int)n[1]).Order());
        // The spare (Dakar) is prepared beside the cluster, not in it; lab_spare_sites says where the nodes reach it.
        var spare = await QueryAsync(cluster.Coordinator, "SELECT site, nodeport FROM lab_spare_sites");
        Assert.Equal(new object[] { "Dakar", cluster.Agent("dakar").Gateway.Port }, Assert.Single(spare));
        Assert.Equal(1L, (await QueryAsync(cluster.Node("dakar"), "SELECT count(*) FROM pg_extension WHERE extname = 'citus'"))[0][0]);
        Assert.Equal(0, nodes[0][0]);
        Assert.Equal(cluster.Agent("paris").Gateway.Port, nodes[0][1]);
        Assert.True((bool)nodes[0][3], "the coordinator stores France's shards");
    }

    public static TheoryData<string, string, string> Tenants()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var site in LabSites.All)
        {
            data.Add(site.Name, "patients", site.Country);
            data.Add(site.Name, "medicalrecords", site.Country);
            data.Add(site.Name, "transactions", site.Country);
            data.Add(site.Name, "trainingdata", site.SiteOrigin);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public async Task Each_tenant_rows_are_stored_at_its_site(string site, string table, string tenant)
    {
        Installations.RequireCitus();
        var column = table == "trainingdata" ? "siteorigin" : "country";
        var placement = Assert.Single(await QueryAsync(cluster.Coordinator, $"""
            SELECT p.shardid, p.nodeport
            FROM pg_dist_shard_placement p
            WHERE p.shardid = get_shard_id_for_distribution_column('{table}', '{tenant}'::text)
            """));
        var siteNode = cluster.Node(site);
        Assert.Equal(cluster.Agent(site).Gateway.Port, placement[1]);

        // Read the shard where it physically is: its rows are the tenant's rows, all of them.
        var expected = (long)(await QueryAsync(cluster.Coordinator, $"SELECT count(*) FROM {table} WHERE {column} = '{tenant}'"))[0][0];
        Assert.True(expected > 0, $"no {table} rows for {tenant}");
        var local = await QueryAsync(siteNode, $"SELECT count(*), count(*) FILTER (WHERE {column} = '{tenant}') FROM {table}_{placement[0]}");
        Assert.Equal(expected, local[0][1]);
        Assert.Equal(expected, local[0][0]); // the isolated shard holds that tenant only
    }

    [Fact]
    public async Task A_second_bootstrap_changes_nothing()
    {
        Installations.RequireCitus();
        const string snapshot = """
            SELECT string_agg(format('%s:%s:%s', s.logicalrelid, s.shardid, p.nodeport), ',' ORDER BY s.shardid)
                || '|' || (SELECT string_agg(format('%s:%s:%s', nodeid, nodeport, isactive), ',' ORDER BY nodeid) FROM pg_dist_node)
                || '|' || (SELECT count(*) FROM patients) || (SELECT count(*) FROM medicalrecords)
                || (SELECT count(*) FROM trainingdata) || (SELECT count(*) FROM transactions)
                || '|' || (SELECT string_agg(format('%s:%s:%s', site, nodename, nodeport), ',' ORDER BY site) FROM lab_sites)
            FROM pg_dist_shard s JOIN pg_dist_shard_placement p USING (shardid)
            """;
        var before = (string)(await QueryAsync(cluster.Coordinator, snapshot))[0][0];
        var second = await cluster.Bootstrapper().RunAsync(CancellationToken.None);
        var after = (string)(await QueryAsync(cluster.Coordinator, snapshot))[0][0];
        Assert.False(second.Seeded);
        Assert.Equal(before, after);
        Assert.Equal(new Dictionary<string, long>
        {
            ["Patients"] = 20,
            ["MedicalRecords"] = 14,
            ["TrainingData"] = 13,
            ["Transactions"] = 18,
        }, second.RowCounts);
    }

    [Fact]
    public async Task The_handout_psql_command_works_through_the_coordinator()
    {
        Installations.RequireCitus();
        var (exitCode, output, error) = await Psql.CommandAsync(cluster.Coordinator.Port, "SELECT name, country, siteOrigin FROM Patients WHERE country = 'France' LIMIT 5", "mediAI", host: "localhost");
        Assert.True(exitCode == 0, error);
        Assert.Contains("(5 rows)", output);
        Assert.Equal(5, output.Split('\n').Count(l => l.Contains("| France ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_reset_waits_for_a_slow_site_that_a_students_statement_gives_up_on_after_5_s()
    {
        Installations.RequireCitus();
        var tokyo = cluster.Agent("tokyo");
        try
        {
            // Tokyo answers, slowly: every chunk it sends waits 2.5 s, so a new link to it takes longer
            // than the 5 s students' statements wait (a laptop still starting its nodes, measured).
            await tokyo.AddFaultAsync(new { type = "latency", stream = "downstream", attributes = new { latency = 2_500 } });
            var student = await Psql.CommandAsync(cluster.Coordinator.Port, "SELECT count(*) FROM Patients", "mediAI");
            Assert.NotEqual(0, student.ExitCode);
            Assert.Matches($"could not establish .*connection.* after {(int)LabTimeouts.Connect.TotalMilliseconds} ms", student.Error);

            // The lab's own set-up waits as long as Citus does by default: the reset goes through.
            var counts = await cluster.Bootstrapper().ResetDataAsync(CancellationToken.None);
            Assert.Equal(20L, counts["Patients"]);
        }
        finally
        {
            (await tokyo.Http.PostAsync(AgentRoutes.Reset, null)).EnsureSuccessStatusCode();
        }
    }
}
