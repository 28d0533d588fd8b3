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

        Assert.Empty(await cluster.Coordinator.QueryAsync(LabSites.Database, "SELECT 1 FROM pg_namespace WHERE nspname = 'lab_scale'"));
    }
}
