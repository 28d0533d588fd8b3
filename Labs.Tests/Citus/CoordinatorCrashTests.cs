using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: 2PC's blocking case, on the real cluster — the coordinator killed between the
/// phases, then back, with nobody recovering until asked (citus.recover_2pc_interval = -1).
/// Killed before its commit record, recovery rolls every site's prepared part back; after it,
/// recovery commits them. The kill is a span in the agent's telemetry naming the moment and gid.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class CoordinatorCrashTests(CitusCluster cluster)
{
    [Theory]
    [InlineData("crash-coordinator-before-commit-record", "prepared", false)]
    [InlineData("crash-coordinator-after-commit-record", "commit_prepared", true)]
    public async Task The_coordinator_killed_between_the_phases_is_resolved_by_recovery_as_its_commit_record_says(string preset, string moment, bool committed)
    {
        Installations.RequireCitus();
        var tokyo = cluster.Agent("tokyo");
        var paris = cluster.Agent("paris");
        var door = paris.ClientPort!.Value;
        var examType = $"Crash {Guid.NewGuid():N}";
        var before = DateTime.UtcNow;
        bool IsKill(System.Diagnostics.Activity s) => s.DisplayName == "crash: Paris node killed" && s.StartTimeUtc >= before;
        (await tokyo.Http.PostAsync($"/presets/{preset}", null)).EnsureSuccessStatusCode();
        try
        {
            // The student's COMMIT loses its server: no answer, the outcome unknown to the client.
            var typed = await Psql.RunAsync(door, ClientTraceTests.Consultation(examType), database: LabSites.Database);
            Assert.NotEqual(0, typed.ExitCode);
            Assert.Contains("server closed the connection unexpectedly", typed.Error);

            Assert.True(0 == (await tokyo.Http.GetFromJsonAsync<JsonElement[]>("/toxics"))!.Length, $"the fault did not fire; psql said: {typed.Error}"); // it fired once and went

            // Paris is back (local mode: PostgreSQL's own crash recovery); its agent says when.
            using (var start = await paris.Http.PostAsync("/node/start", null))
            {
                Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
            }

            // Tokyo holds its part prepared, and nobody has resolved it.
            var gid = Assert.Single(await cluster.Node("tokyo").PreparedGidsAsync(LabSites.Database));
            await using (var coordinator = await cluster.Coordinator.OpenAsync(LabSites.Database))
            {
                // The coordinator's commit record: there only if it decided before it died.
                await using var record = new NpgsqlCommand("SELECT count(*) FROM pg_dist_transaction WHERE gid = $1", coordinator) { Parameters = { new() { Value = gid } } };
                Assert.Equal(committed ? 1L : 0L, await record.ExecuteScalarAsync());
            }

            // The kill is in Tokyo's telemetry: which node, at which moment, for which gid.
            // (Emitted once its transaction's trace is known, or after 3 s without it.)
            for (var i = 0; i < 100 && !tokyo.Spans.Any(IsKill); i++)
            {
                await Task.Delay(100);
            }

            var kill = tokyo.Spans.SingleOrDefault(IsKill) ?? throw new Xunit.Sdk.XunitException("no kill span at Tokyo; crash spans: " +
                string.Join("; ", cluster.Agents.SelectMany(a => a.Spans).Where(s => s.DisplayName.StartsWith("crash", StringComparison.Ordinal))
                    .Select(s => $"{s.DisplayName} site {s.GetTagItem("mediai.site")} at {s.StartTimeUtc:HH:mm:ss.fff} (test began {before:HH:mm:ss.fff}) {s.Status} {s.StatusDescription}")));
            Assert.Equal(moment, kill.GetTagItem("mediai.2pc.moment"));
            Assert.Equal(gid, kill.GetTagItem("mediai.2pc.gid"));

            // The student recovers, and the commit record decides.
            var recovered = await Psql.CommandAsync(door, "SELECT recover_prepared_transactions()", LabSites.Database);
            Assert.True(recovered.ExitCode == 0, recovered.Error);
            foreach (var site in LabSites.All)
            {
                Assert.Empty(await cluster.Node(site.Name).PreparedGidsAsync(LabSites.Database));
            }

            await using var check = await cluster.Coordinator.OpenAsync(LabSites.Database);
            await using var rows = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM MedicalRecords WHERE examType = '{examType}'), " +
                $"(SELECT count(*) FROM Transactions WHERE idPatient = 16 AND type = 'consultation' AND date >= '{before.AddSeconds(-5):yyyy-MM-dd HH:mm:ss}')",
                check);
            await using var reader = await rows.ExecuteReaderAsync();
            await reader.ReadAsync();
            var expected = committed ? 1L : 0L;
            Assert.Equal((expected, expected), (reader.GetInt64(0), reader.GetInt64(1))); // both sites, or neither
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            await paris.Http.PostAsync("/node/start", null);
            NpgsqlConnection.ClearAllPools();
            await Psql.CommandAsync(door, "SELECT recover_prepared_transactions()", LabSites.Database);
            await ClientTraceTests.CleanUpAsync(cluster, examType, before);
        }
    }
}
