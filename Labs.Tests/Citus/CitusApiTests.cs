using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>Citus tier: the coordinator API on the real four-site cluster.</summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class CitusApiTests(CitusCluster cluster)
{
    private Task<TestCoordinator> ApiAsync() => TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value);

    private const string CoLocatedJoin = """
        SELECT p.name, p.age, p.city, p.country, mr.date, mr.examType, mr.result, mr.aiModelUsed, mr.aiScore
        FROM Patients p JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
        """;

    [Fact]
    public async Task The_co_located_join_runs_at_one_site_when_filtered_by_country_and_at_all_four_when_not()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        using var filtered = await api.Http.PostAsJsonAsync("/query", new { sql = CoLocatedJoin + " WHERE p.country = $1 AND p.name = $2 ORDER BY mr.date DESC", parameters = new object[] { "Tunisia", "Mohamed Benali" } });
        var one = await filtered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.True(one.GetProperty("rows").GetArrayLength() >= 2);
        Assert.Equal("router", one.GetProperty("routing").GetProperty("kind").GetString());
        Assert.Equal(["tunis"], one.GetProperty("routing").GetProperty("sites").EnumerateArray().Select(s => s.GetString()));

        using var all = await api.Http.PostAsJsonAsync("/explain", new { sql = CoLocatedJoin });
        var everywhere = await all.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("multi-shard", everywhere.GetProperty("routing").GetProperty("kind").GetString());
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], everywhere.GetProperty("routing").GetProperty("sites").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task The_cluster_map_puts_each_country_at_its_site()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        var map = await api.Http.GetFromJsonAsync<JsonElement>("/cluster");
        foreach (var site in map.EnumerateArray())
        {
            Assert.True(site.GetProperty("reachable").GetBoolean());
            Assert.StartsWith("12.1", site.GetProperty("citus").GetString());
            var tables = site.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("table").GetString()).ToList();
            if (site.GetProperty("role").GetString() == "Spare")
            {
                Assert.Empty(tables); // Dakar, outside the cluster until Part 5.5 adds it
                continue;
            }

            Assert.Contains("patients", tables);
            Assert.Contains("trainingdata", tables);
        }
    }

    private async Task DeleteAsync(JsonElement result)
    {
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var delete = new NpgsqlCommand(
            $"DELETE FROM MedicalRecords WHERE idRecord = {result.GetProperty("recordId").GetInt64()} AND country = 'Japan'; " +
            $"DELETE FROM Transactions WHERE idTrans = {result.GetProperty("transactionId").GetInt64()} AND country = 'France'", connection);
        await delete.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_emergency_consultation_commits_at_tokyo_and_paris()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        using var response = await api.Http.PostAsync("/transactions/emergency-consultation", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        try
        {
            Assert.True(result.GetProperty("committed").GetBoolean());
            var sites = result.GetProperty("sites").EnumerateArray().ToList();
            Assert.Equal(["paris", "tokyo"], sites.Select(s => s.GetProperty("site").GetString()).Order());
            Assert.All(sites, s => Assert.Equal("committed", s.GetProperty("outcome").GetString()));
            Assert.All(sites, s => Assert.StartsWith("citus_0_", s.GetProperty("gid").GetString()));
            Assert.Matches("^[0-9a-f]{32}$", result.GetProperty("traceId").GetString()!);
        }
        finally
        {
            await DeleteAsync(result);
        }
    }

    [Fact]
    public async Task After_tokyo_drops_post_prepare_the_api_shows_it_in_doubt_and_recovery_resolves_it()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        var tokyo = cluster.Agent("tokyo");
        (await tokyo.Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();
        using var response = await api.Http.PostAsync("/transactions/emergency-consultation", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        try
        {
            Assert.True(result.GetProperty("committed").GetBoolean());
            var tokyoOutcome = result.GetProperty("sites").EnumerateArray().Single(s => s.GetProperty("site").GetString() == "tokyo");
            Assert.StartsWith("in doubt", tokyoOutcome.GetProperty("outcome").GetString());
            Assert.Contains(result.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("[Tokyo]", StringComparison.Ordinal));

            var inDoubt = await api.Http.GetFromJsonAsync<JsonElement>("/transactions/in-doubt");
            Assert.Contains(inDoubt.GetProperty("prepared").EnumerateArray(), p => p.GetProperty("site").GetString() == "tokyo");

            using var recover = await api.Http.PostAsync("/transactions/recover", null);
            var recovered = await recover.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(recovered.GetProperty("resolved").GetInt32() >= 1);
            Assert.Empty(recovered.GetProperty("after").GetProperty("prepared").EnumerateArray());

            using var rows = await api.Http.PostAsJsonAsync("/query", new { sql = "SELECT count(*) FROM MedicalRecords WHERE idRecord = $1 AND country = 'Japan'", parameters = new object[] { result.GetProperty("recordId").GetInt64() } });
            Assert.Equal(1, (await rows.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64());
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            await DeleteAsync(result);
        }
    }

    [Fact]
    public async Task The_replicated_copy_has_two_placements_per_shard_reads_fail_over_and_writes_fail_when_a_site_is_down()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        using var created = await api.Http.PostAsync("/replication/demo", null);
        var demo = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var placements = demo.GetProperty("placements").EnumerateArray().ToList();
        Assert.All(placements.GroupBy(p => p.GetProperty("shardId").GetInt64()), shard => Assert.Equal(2, shard.Select(p => p.GetProperty("site").GetString()).Distinct().Count()));
        Assert.All(placements, p => Assert.Equal(1, p.GetProperty("shardState").GetInt32()));

        // A site holding placements goes down: reads still answer from the other replica, writes fail.
        var down = placements.Select(p => p.GetProperty("site").GetString()!).First(s => s != "paris");
        var agent = cluster.Agent(down);
        (await agent.Http.PostAsync("/presets/down", null)).EnsureSuccessStatusCode();
        try
        {
            using var probe = await api.Http.PostAsync("/replication/probe", null);
            var result = await probe.Content.ReadFromJsonAsync<JsonElement>();
            var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
            Assert.True(attempts[0].GetProperty("succeeded").GetBoolean(), attempts[0].ToString());
            Assert.False(attempts[1].GetProperty("succeeded").GetBoolean(), attempts[1].ToString());
        }
        finally
        {
            await agent.Http.PostAsync("/reset", null);
        }

        using var healed = await api.Http.PostAsync("/replication/probe", null);
        var after = await healed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(after.GetProperty("attempts").EnumerateArray(), a => Assert.True(a.GetProperty("succeeded").GetBoolean(), a.ToString()));
    }
}
