using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: a fault campaign through the API's job runner on the real four-site cluster, its
/// faults injected by the real site agents: atomicity and durability hold, nothing stays prepared,
/// the MediAI data is as it was, and a seed replays the same campaign.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class FaultCampaignTests(CitusCluster cluster)
{
    private Task<TestCoordinator> ApiAsync() => ApiAsync(cluster);

    /// <summary>The API over the cluster's nodes and agents, as the AppHost starts it.</summary>
    internal static Task<TestCoordinator> ApiAsync(CitusCluster cluster) =>
        TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value,
            // Service discovery as the AppHost gives it: the API reaches each agent by name.
            [.. LabSites.All.Select((s, i) => $"--services:{s.AgentName}:http:0={cluster.Agents[i].Http.BaseAddress!.ToString().TrimEnd('/')}")]);

    internal static async Task<JsonElement> RunAsync(HttpClient api, object parameters, TimeSpan limit)
    {
        using var start = await api.PostAsJsonAsync("/jobs/fault-campaign", parameters);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, started.ToString());
        var job = await Jobs.JobPolling.EndedAsync(api, started.GetProperty("id").GetString()!, limit);
        Assert.True(job.GetProperty("state").GetString() == "Succeeded", job.ToString());
        return job.GetProperty("result");
    }

    private async Task<long[]> MediAiCountsAsync()
    {
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM Patients), (SELECT count(*) FROM MedicalRecords), (SELECT count(*) FROM TrainingData), (SELECT count(*) FROM Transactions)", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return [reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)];
    }

    [Fact]
    public async Task Two_hundred_transfers_under_faults_keep_money_and_commits_and_leave_nothing_prepared()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        var before = await MediAiCountsAsync();

        var result = await RunAsync(api.Http, new { transactions = 200, faultRate = 0.6, seed = 7 }, TimeSpan.FromMinutes(6));
        var invariants = result.GetProperty("invariants");
        Assert.True(invariants.GetProperty("violations").GetArrayLength() == 0, invariants.GetProperty("violations").ToString());
        Assert.Equal(200, result.GetProperty("transactions").GetInt32());
        Assert.True(result.GetProperty("faults").GetInt32() >= 100, $"{result.GetProperty("faults")} faults");
        // Every kind of the menu was drawn: the wire's faults, node kills at each 2PC moment, and the
        // coordinator killed before and after its commit record.
        var kinds = result.GetProperty("faultsByKind").EnumerateObject().Select(k => k.Name).ToList();
        Assert.Equal(Coordinator.Campaign.CampaignFaults.All.Count, kinds.Count);
        Assert.Contains("crash_node_after_prepared", kinds);
        Assert.Contains("crash_coordinator_before_commit_record", kinds);
        Assert.Contains("crash_coordinator_after_commit_record", kinds);
        // A COMMIT whose coordinator died has no answer: indeterminate, checked both ways (and lost by none).
        var tallies = invariants.GetProperty("byFaultKind").EnumerateArray().ToList();
        Assert.True(tallies.Sum(t => t.GetProperty("indeterminate").GetInt32()) > 0, invariants.GetProperty("byFaultKind").ToString());
        Assert.True(result.GetProperty("resolutionMaxMs").GetDouble() < 60_000);
        var history = result.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, t => t.GetProperty("outcome").GetString() == "Acknowledged");
        Assert.Contains(history, t => t.GetProperty("outcome").GetString() == "Aborted");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"faults {result.GetProperty("faults")}, in doubt {result.GetProperty("inDoubtBeforeRecovery")}, resolution median {result.GetProperty("resolutionMedianMs")} ms max {result.GetProperty("resolutionMaxMs")} ms; by kind: {invariants.GetProperty("byFaultKind")}");

        // Nothing prepared anywhere, and the MediAI data as it was.
        foreach (var node in cluster.Nodes)
        {
            await using var connection = await node.OpenAsync("mediAI");
            await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_xacts", connection);
            Assert.Equal(0L, await prepared.ExecuteScalarAsync());
        }

        Assert.Equal(before, await MediAiCountsAsync());

        // Kept until the next reset, with a chart a student opens.
        var id = result.GetProperty("campaignId").GetInt64();
        var kept = await api.Http.GetFromJsonAsync<JsonElement[]>("/campaigns");
        Assert.Contains(kept!, c => c.GetProperty("id").GetInt64() == id && c.GetProperty("violations").GetInt32() == 0 && c.GetProperty("seed").GetInt32() == 7);
        using var chart = await api.Http.GetAsync($"/campaigns/{id}/chart");
        Assert.Equal("text/html", chart.Content.Headers.ContentType?.MediaType);
        var page = await chart.Content.ReadAsStringAsync();
        Assert.Contains("<svg", page);
        Assert.All(kinds, k => Assert.Contains($">{k}</text>", page));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.GetAsync($"/campaigns/{id + 1000}/chart")).StatusCode);
        TestContext.Current.TestOutputHelper?.WriteLine($"chart: {page.Length} characters");

        foreach (var agent in cluster.Agents)
        {
            Assert.Empty((await agent.Http.GetFromJsonAsync<JsonElement>("/status")).GetProperty("faults").EnumerateArray());
        }
    }

    [Fact]
    public async Task The_cli_runs_a_campaign_through_the_api_prints_its_table_and_is_refused_while_another_runs()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        var address = api.Http.BaseAddress!.ToString().TrimEnd('/');

        var run = await LabCheck.RunArgsAsync("campaign", "--api", address, "--transactions", "12", "--seed", "5");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("[12/12]", run.Output);
        Assert.Contains("tried", run.Output);
        Assert.Contains("The invariants hold", run.Output);
        Assert.Contains("seed 5.", run.Output);
        Assert.Matches(@"Kept as campaign \d+ until the next reset; its chart: http://\S+/campaigns/\d+/chart", run.Output);

        var wrong = await LabCheck.RunArgsAsync("campaign", "--api", address, "--fault-rate", "3");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--fault-rate must be a number from 0 to 1", wrong.Error);

        // While a campaign runs (started from the API), the CLI's is refused, naming it.
        using var long_ = await api.Http.PostAsJsonAsync("/jobs/fault-campaign", new { transactions = 5000, faultRate = 0 });
        var running = (await long_.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var refused = await LabCheck.RunArgsAsync("campaign", "--api", address, "--transactions", "3");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"(job {running}, ", refused.Error);
        (await api.Http.PostAsync($"/jobs/{running}/cancel", null)).EnsureSuccessStatusCode();

        // Its accounts live apart and go with "Reset lab data".
        await Jobs.JobPolling.EndedAsync(api.Http, running!, TimeSpan.FromMinutes(2));

        using (var reset = await api.Http.PostAsync("/lab/reset", null))
        {
            Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync());
        }

        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using var schema = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = 'lab_campaign'", connection);
        Assert.Equal(0L, await schema.ExecuteScalarAsync());
        Assert.Empty((await api.Http.GetFromJsonAsync<JsonElement[]>("/campaigns"))!); // the history went with it
    }

    [Fact]
    public async Task The_same_seed_replays_the_same_transfers_and_faults_and_bad_parameters_are_named()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        static IEnumerable<string> Plan(JsonElement result) => result.GetProperty("history").EnumerateArray()
            .Select(t => $"{t.GetProperty("fromSite")}>{t.GetProperty("toSite")} {t.GetProperty("amount")} {t.GetProperty("faultKind")}");

        var first = await RunAsync(api.Http, new { transactions = 15, faultRate = 0.5, seed = 11 }, TimeSpan.FromMinutes(3));
        var again = await RunAsync(api.Http, new { transactions = 15, faultRate = 0.5, seed = 11 }, TimeSpan.FromMinutes(3));
        Assert.Equal(Plan(first), Plan(again));

        using var bad = await api.Http.PostAsJsonAsync("/jobs/fault-campaign", new { transactions = 0, faultRate = 2, readers = 9, faults = "latency,nope", readStrategy = "snapshot" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("transactions", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("faultRate", out _));
        Assert.Equal("must be a whole number from 0 to 8: the sessions that read while the transfers run", problem.GetProperty("errors").GetProperty("readers")[0].GetString());
        Assert.StartsWith("'nope' is no fault kind: give some of down, latency,", problem.GetProperty("errors").GetProperty("faults")[0].GetString());
        Assert.StartsWith("must be one of: read-committed, repeatable-read, lock-table-share", problem.GetProperty("errors").GetProperty("readStrategy")[0].GetString());
    }
}
