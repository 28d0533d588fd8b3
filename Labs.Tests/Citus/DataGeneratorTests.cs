using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Coordinator.Scale;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier, at a size CI can afford: the data generator through the API's job runner puts every
/// country's rows at its site, in the seed's proportions, the same rows for the same seed, apart
/// from the seeded MediAI data, and a reset removes them.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class DataGeneratorTests(CitusCluster cluster)
{
    private const int Patients = 50_000;

    private Task<TestCoordinator> ApiAsync() => TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value);

    /// <summary>One generation through the API's job runner, waited for; its result.</summary>
    internal static async Task<JsonElement> GenerateAsync(HttpClient api, object parameters)
    {
        using var start = await api.PostAsJsonAsync("/jobs/data-generator", parameters);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, started.ToString());
        var job = await Jobs.JobPolling.EndedAsync(api, started.GetProperty("id").GetString()!, TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("state").GetString() == "Succeeded", job.ToString());
        return job.GetProperty("result");
    }

    private async Task<string> FingerprintAsync()
    {
        var patients = await cluster.Coordinator.QueryAsync(LabSites.Database,
            "SELECT md5(string_agg(format('%s %s %s', idpatient, age, country), ',' ORDER BY idpatient)) FROM lab_scale.patients");
        var transactions = await cluster.Coordinator.QueryAsync(LabSites.Database,
            "SELECT md5(string_agg(format('%s %s %s', idtrans, idpatient, amount), ',' ORDER BY idtrans)) FROM lab_scale.transactions");
        return $"{patients[0][0]} {transactions[0][0]}";
    }

    [Fact]
    public async Task Each_countrys_rows_are_at_its_site_in_the_seeds_proportions_the_same_for_the_same_seed_and_gone_after_a_reset()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        try
        {
            var result = await GenerateAsync(api.Http, new { patients = Patients, seed = 5, skewed = true });

            // The counts per table, as generated, and as the cluster holds them.
            var perCountry = DataGenerator.PatientsPerCountry(new ScaleParameters(Patients, 5, Skewed: true));
            Assert.Equal(Patients, perCountry.Sum());
            var expected = new Dictionary<string, long>
            {
                ["patients"] = Patients,
                ["medicalrecords"] = perCountry.Sum(n => CountryRows.Count(n, CountryRows.RecordsPerPatient)),
                ["trainingdata"] = perCountry.Sum(n => CountryRows.Count(n, CountryRows.TrainingPerPatient)),
                ["transactions"] = perCountry.Sum(n => CountryRows.Count(n, CountryRows.TransactionsPerPatient)),
            };
            Assert.Equal(expected, result.GetProperty("rows").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
            await using (var coordinator = await cluster.Coordinator.OpenAsync(LabSites.Database))
            {
                Assert.Equal(expected, await ScaleStore.CountsAsync(coordinator, CancellationToken.None));
            }

            // Skewed: France holds the most patients.
            Assert.Equal("France", result.GetProperty("patientsByCountry").EnumerateObject().MaxBy(p => p.Value.GetInt32()).Name);

            // Geography: every placement of each generated table holds only its site's country (or siteOrigin).
            foreach (var (table, column) in new[] { ("patients", "country"), ("medicalrecords", "country"), ("transactions", "country"), ("trainingdata", "siteorigin") })
            {
                var placements = await cluster.Coordinator.QueryAsync(LabSites.Database,
                    $"SELECT s.site, r.result FROM run_command_on_placements('lab_scale.{table}', $$SELECT coalesce(string_agg(DISTINCT {column}, ','), '') FROM %s$$) r " +
                    "JOIN lab_sites s ON (s.nodename, s.nodeport) = (r.nodename, r.nodeport) WHERE r.result <> ''");
                var expectedPlaces = LabSites.All.Select(site => $"{site.City}:{(column == "country" ? site.Country : site.SiteOrigin)}").Order();
                Assert.Equal(expectedPlaces, placements.Select(p => $"{LabSites.All.Single(s => s.SiteOrigin == (string)p[0] || s.City == (string)p[0]).City}:{p[1]}").Order());
            }

            // The API stays fast on big data: a query's rows are capped (and time out), the cluster map
            // counts shards and placements, not rows.
            using (var everything = await api.Http.PostAsJsonAsync("/query", new { sql = "SELECT * FROM lab_scale.patients" }))
            {
                var answer = await everything.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(everything.IsSuccessStatusCode, answer.ToString());
                Assert.True(answer.GetProperty("truncated").GetBoolean());
                Assert.Equal(500, answer.GetProperty("rows").GetArrayLength());
            }

            var map = await api.Http.GetFromJsonAsync<JsonElement>("/cluster");
            var tokyoTables = map.EnumerateArray().Single(s => s.GetProperty("site").GetString() == "tokyo").GetProperty("tables");
            Assert.Contains(tokyoTables.EnumerateArray(), t => t.GetProperty("table").GetString() == "lab_scale.patients" && t.GetProperty("shards").GetInt64() >= 1);

            // The same seed, the same rows; another seed, others.
            var first = await FingerprintAsync();
            await GenerateAsync(api.Http, new { patients = Patients, seed = 5, skewed = true });
            Assert.Equal(first, await FingerprintAsync());
            await GenerateAsync(api.Http, new { patients = 1_000, seed = 6 });
            Assert.NotEqual(first, await FingerprintAsync());

            // Bad input is named, and nothing changes.
            using var bad = await api.Http.PostAsJsonAsync("/jobs/data-generator", new { patients = 0, skewed = "yes" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("patients", out _) && errors.TryGetProperty("skewed", out _), errors.ToString());
        }
        finally
        {
            using var reset = await api.Http.PostAsync("/lab/reset", null);
            Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync());
        }

        // A reset restores the seed: the generated rows gone, the 20 patients there.
        Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT 1 FROM pg_namespace WHERE nspname = 'lab_scale'"));
        Assert.Equal(20L, (await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT count(*) FROM patients"))[0][0]);
    }

    [Fact]
    public async Task A_load_too_big_for_the_free_disk_is_refused_and_changes_nothing()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        // No disk has an exabyte to spare: the real df of each node decides, as it would for a student's 5,000,000 patients on a full laptop.
        await using var cramped = await TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value, $"--Lab:KeepFreeDiskMegabytes={1L << 40}");
        try
        {
            await GenerateAsync(api.Http, new { patients = 1_000, seed = 2 });
            var before = await FingerprintAsync();

            using var refused = await cramped.Http.PostAsJsonAsync("/jobs/data-generator", new { patients = 5_000_000 });
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("Not enough free disk for 5,000,000 patients", detail);
            // The four test servers share this machine's disk: their shares are summed on it, not judged one by one.
            Assert.Contains("Paris, Tunis, Montréal, Tokyo share a disk that has", detail);
            Assert.Contains("Nothing was changed", detail);
            Assert.Equal(before, await FingerprintAsync());
            Assert.Empty(await cramped.Http.GetFromJsonAsync<JsonElement[]>("/jobs") ?? []);
        }
        finally
        {
            (await api.Http.PostAsync("/lab/reset", null)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task A_site_down_mid_load_stops_it_names_the_site_and_leaves_no_half_loaded_generation()
    {
        Installations.RequireCitus();
        await using var api = await ApiAsync();
        try
        {
            using var start = await api.Http.PostAsJsonAsync("/jobs/data-generator", new { patients = 600_000, seed = 9 });
            var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            // Rows are flowing: Tokyo goes down.
            await Jobs.JobPolling.UntilAsync(api.Http, id, job => job.GetProperty("progress").GetProperty("done").GetInt64() > 0, TimeSpan.FromMinutes(2));
            (await cluster.Agent("tokyo").Http.PostAsync("/presets/down", null)).EnsureSuccessStatusCode();

            // A second generation meanwhile: 409, nothing starts.
            using (var second = await api.Http.PostAsJsonAsync("/jobs/data-generator", new { patients = 10 }))
            {
                Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            }

            // The load stops and says which site; its removal waits for Tokyo, healed a moment later.
            var stopped = await Jobs.JobPolling.UntilAsync(api.Http, id,
                job => job.GetProperty("progress").GetProperty("log").EnumerateArray().Any(l => l.GetString()!.Contains("Tokyo's rows could not be loaded", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(2));
            Assert.Equal("Running", stopped.GetProperty("state").GetString()); // still cleaning up
            await Task.Delay(TimeSpan.FromSeconds(3));
            (await cluster.Agent("tokyo").Http.PostAsync("/reset", null)).EnsureSuccessStatusCode();

            var job = await Jobs.JobPolling.EndedAsync(api.Http, id, TimeSpan.FromMinutes(3));
            Assert.True(job.GetProperty("state").GetString() == "Failed", job.ToString());
            Assert.Contains("Tokyo's rows could not be loaded", job.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, job.GetProperty("cleanupError").ValueKind);
            Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT 1 FROM pg_namespace WHERE nspname = 'lab_scale'"));
        }
        finally
        {
            await cluster.Agent("tokyo").Http.PostAsync("/reset", null);
            (await api.Http.PostAsync("/lab/reset", null)).EnsureSuccessStatusCode();
        }
    }
}
