using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: statements typed straight at the coordinator's own port, past the students' door
/// (what <c>docker exec citus_master psql -X</c> does), still give one trace each: Paris's agent
/// makes the root from pg_stat_activity, keyed by the coordinator backend every node's part
/// names. The lab's own programs stay out of the traces.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class PastTheDoorTraceTests(CitusCluster cluster)
{
    private static string SiteOf(Activity span) => (string)span.GetTagItem("mediai.site")!;

    private static bool IsSynthesizedRoot(Activity span) => span.GetTagItem("mediai.root") is string && span.ParentSpanId == default;

    private IEnumerable<Activity> AllSpans => cluster.Agents.SelectMany(a => a.Spans);

    /// <summary>The synthesized root whose statement is <paramref name="sql"/>, and its trace once <paramref name="whole"/> says so.</summary>
    private async Task<(Activity Root, IReadOnlyList<Activity> Trace)> TraceOfAsync(Func<Activity, bool> isRoot, DateTime after, Func<IReadOnlyList<Activity>, bool> whole)
    {
        Activity? root = null;
        IReadOnlyList<Activity> trace = [];
        // Roots end (and are recorded) once their parts settle: about 2 s after the statement.
        for (var i = 0; i < 200; i++)
        {
            var all = AllSpans.ToList();
            root = all.SingleOrDefault(s => IsSynthesizedRoot(s) && s.StartTimeUtc >= after.AddSeconds(-1) && isRoot(s));
            if (root is not null)
            {
                trace = [.. all.Where(s => s.TraceId == root.TraceId)];
                if (whole(trace))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        var roots = string.Join("\n", AllSpans.Where(s => s.StartTimeUtc >= after.AddSeconds(-1) && s.ParentSpanId == default).Select(s => $"{SiteOf(s)}: {s.DisplayName} [{s.GetTagItem("db.query.text")}]"));
        Assert.True(root is not null, "no synthesized root; roots since the start:\n" + roots);
        return (root, trace);
    }

    /// <summary>Spans of the root's time that are not in its trace.</summary>
    private List<string> Fragments(Activity root) =>
        [.. AllSpans.Where(s => s.TraceId != root.TraceId && s.StartTimeUtc >= root.StartTimeUtc && s.StartTimeUtc <= root.StartTimeUtc + root.Duration)
            .Select(f => $"{SiteOf(f)}: {f.DisplayName}")];

    [Fact]
    public async Task A_count_typed_past_the_door_is_one_trace_with_a_made_root_and_every_sites_part()
    {
        Installations.RequireCitus();
        const string sql = "SELECT count(*) FROM Patients";
        var before = DateTime.UtcNow;
        var psql = await Psql.CommandAsync(cluster.Coordinator.Port, sql, LabSites.Database);
        Assert.True(psql.ExitCode == 0, psql.Error);

        string[] sites = ["montreal", "paris", "tokyo", "tunis"];
        var (root, trace) = await TraceOfAsync(s => (string?)s.GetTagItem("db.query.text") == sql, before,
            t => sites.All(site => t.Any(s => !IsSynthesizedRoot(s) && SiteOf(s) == site)));

        Assert.Equal(sql, root.DisplayName);
        Assert.Equal("psql", root.GetTagItem("client.application_name"));
        Assert.Equal("paris", SiteOf(root));
        Assert.Equal(sites, trace.Where(s => s != root).Select(SiteOf).Distinct().Order());
        Assert.All(trace.Where(s => s != root), s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Single(trace, IsSynthesizedRoot);
        Assert.Empty(Fragments(root));
    }

    [Fact]
    public async Task The_emergency_consultation_typed_past_the_door_is_one_block_with_both_phases_of_its_commit()
    {
        Installations.RequireCitus();
        var examType = $"Consultation {Guid.NewGuid():N}";
        var before = DateTime.UtcNow;
        var psql = await Psql.RunAsync(cluster.Coordinator.Port, ClientTraceTests.Consultation(examType), database: LabSites.Database);
        Assert.True(psql.ExitCode == 0, psql.Error);
        try
        {
            var (root, trace) = await TraceOfAsync(s => s.DisplayName == "BEGIN … COMMIT", before,
                t => t.Count(s => (string?)s.GetTagItem("mediai.2pc.step") == "COMMIT PREPARED") == 2
                    && t.Any(s => SiteOf(s) == "tokyo" && s.DisplayName.Contains("medicalrecords_", StringComparison.Ordinal)));

            var twoPhase = Assert.Single(trace, s => s.ParentSpanId == root.SpanId && s.DisplayName == "two-phase commit");
            var phase1 = Assert.Single(trace, s => s.ParentSpanId == twoPhase.SpanId && s.DisplayName.StartsWith("phase 1", StringComparison.Ordinal));
            var phase2 = Assert.Single(trace, s => s.ParentSpanId == twoPhase.SpanId && s.DisplayName.StartsWith("phase 2", StringComparison.Ordinal));
            foreach (var site in new[] { "tokyo", "paris" })
            {
                var prepare = Assert.Single(trace, s => s.ParentSpanId == phase1.SpanId && s.DisplayName == $"{site}: PREPARE TRANSACTION");
                var decided = Assert.Single(trace, s => s.ParentSpanId == phase2.SpanId && s.DisplayName == $"{site}: COMMIT PREPARED");
                Assert.Equal(prepare.GetTagItem("db.transaction.gid"), decided.GetTagItem("db.transaction.gid"));
            }

            Assert.Contains(trace, s => SiteOf(s) == "paris" && s.DisplayName.Contains("transactions_", StringComparison.Ordinal));
            Assert.DoesNotContain(trace, s => SiteOf(s) is "tunis" or "montreal");
            Assert.Empty(Fragments(root));
        }
        finally
        {
            await ClientTraceTests.CleanUpAsync(cluster, examType, before);
        }
    }

    [Fact]
    public async Task The_labs_own_programs_stay_out_of_the_traces()
    {
        Installations.RequireCitus();
        var before = DateTime.UtcNow;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(cluster.Coordinator.ConnectionString(LabSites.Database)) { ApplicationName = "mediai-checker" };
        // Kept open, as the checker and the API keep theirs: a session that left is nobody's to name.
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM Patients", connection))
        {
            Assert.Equal(20L, await command.ExecuteScalarAsync());
        }

        var checkerDone = DateTime.UtcNow;

        // The same statement from psql, afterwards: once its trace is whole, the checker's parts would have landed too.
        var psql = await Psql.CommandAsync(cluster.Coordinator.Port, "SELECT count(*) FROM Patients", LabSites.Database);
        Assert.True(psql.ExitCode == 0, psql.Error);
        await TraceOfAsync(s => s.StartTimeUtc >= checkerDone && (string?)s.GetTagItem("client.application_name") == "psql", checkerDone,
            t => t.Count(s => !IsSynthesizedRoot(s)) >= 4);
        Assert.Empty(AllSpans.Where(s => s.StartTimeUtc >= before && s.StartTimeUtc < checkerDone).Select(s => $"{SiteOf(s)}: {s.DisplayName} ({s.GetTagItem("client.application_name")})"));
    }
}
