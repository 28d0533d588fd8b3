using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// Citus tier: statements typed in psql through the students' door, with no trace context, give
/// one trace each — the door's root, and every site's part inside it, placed after the fact by
/// the client's backend pid (Citus's gpid). Fails when a site's part is missing or a fragment
/// (a span of the statement outside its trace) appears.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class ClientTraceTests(CitusCluster cluster)
{
    private static string SiteOf(Activity span) => (string)span.GetTagItem("mediai.site")!;

    private static bool IsClientRoot(Activity span) => span.GetTagItem("mediai.client") is true && span.ParentSpanId == default;

    /// <summary>Types <paramref name="sql"/> in psql at the door; the root it made, and every agent span of that trace once <paramref name="sites"/> all appear.</summary>
    private async Task<(Activity Root, IReadOnlyList<Activity> Trace, IReadOnlyList<Activity> Fragments)> TypeAsync(string sql, string[] sites, bool expectSuccess = true)
    {
        Installations.RequireCitus();
        var before = DateTime.UtcNow;
        var psql = await Psql.CommandAsync(cluster.Agent("paris").ClientPort!.Value, sql, LabSites.Database);
        Assert.True(psql.ExitCode == 0 == expectSuccess, psql.Error);

        Activity? root = null;
        IReadOnlyList<Activity> trace = [];
        for (var i = 0; i < 100; i++)
        {
            var all = cluster.Agents.SelectMany(a => a.Spans).ToList();
            root = all.SingleOrDefault(s => IsClientRoot(s) && s.StartTimeUtc >= before && (string?)s.GetTagItem("db.query.text") == sql);
            if (root is not null)
            {
                trace = [.. all.Where(s => s.TraceId == root.TraceId)];
                if (sites.All(site => trace.Any(s => s != root && SiteOf(s) == site)))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        Assert.NotNull(root);
        // A fragment: a span of this statement's time that is not in its trace (the late spans have landed by now).
        await Task.Delay(300);
        var fragments = cluster.Agents.SelectMany(a => a.Spans)
            .Where(s => s.TraceId != root.TraceId && s.StartTimeUtc >= root.StartTimeUtc && s.StartTimeUtc <= root.StartTimeUtc + root.Duration)
            .ToList();
        return (root, [.. cluster.Agents.SelectMany(a => a.Spans).Where(s => s.TraceId == root.TraceId)], fragments);
    }

    /// <summary>The root the door made for <paramref name="sql"/>, typed after <paramref name="after"/> (it is recorded when the statement ends).</summary>
    private async Task<Activity> DoorRootAsync(string sql, DateTime after)
    {
        for (var i = 0; i < 200; i++)
        {
            if (cluster.Agent("paris").Spans.SingleOrDefault(s => IsClientRoot(s) && s.StartTimeUtc >= after && (string?)s.GetTagItem("db.query.text") == sql) is { } root)
            {
                return root;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"the door made no root for: {sql}");
    }

    [Fact]
    public async Task A_count_typed_in_psql_is_one_trace_with_a_root_and_every_sites_part()
    {
        const string sql = "SELECT count(*) FROM Patients";
        var (root, trace, fragments) = await TypeAsync(sql, ["paris", "tunis", "montreal", "tokyo"]);

        Assert.Equal(sql, root.DisplayName);
        Assert.Equal("postgresql", root.GetTagItem("db.system"));
        Assert.Equal(1L, root.GetTagItem("db.response.returned_rows")); // "SELECT 1": the count is one row
        Assert.Equal("psql", root.GetTagItem("client.application_name"));
        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], trace.Where(s => s != root).Select(SiteOf).Distinct().Order());
        Assert.All(trace.Where(s => s != root), s => Assert.True(s.StartTimeUtc >= root.StartTimeUtc, $"{s.DisplayName} starts before its root"));
        Assert.Single(trace, IsClientRoot);
        Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
    }

    [Fact]
    public async Task A_colocated_join_filtered_by_country_is_one_trace_at_one_site()
    {
        const string sql = "SELECT p.name, m.examType FROM Patients p JOIN MedicalRecords m ON m.idPatient = p.idPatient AND m.country = p.country WHERE p.country = 'Japan'";
        var (root, trace, fragments) = await TypeAsync(sql, ["tokyo"]);

        Assert.Equal(["tokyo"], trace.Where(s => s != root).Select(SiteOf).Distinct());
        Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
    }

    [Fact]
    public async Task A_failed_statement_ends_its_root_with_the_error_and_its_sqlstate()
    {
        const string sql = "SELECT no_such_column FROM Patients";
        Installations.RequireCitus();
        var before = DateTime.UtcNow;
        var psql = await Psql.CommandAsync(cluster.Agent("paris").ClientPort!.Value, sql, LabSites.Database);
        Assert.NotEqual(0, psql.ExitCode);
        var root = await DoorRootAsync(sql, before);
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("42703", root.GetTagItem("db.response.status_code"));
    }

    /// <summary>The emergency consultation as a student types it in psql: Yuki Tanaka's record at Tokyo, her bill at Paris, one COMMIT.</summary>
    internal static string Consultation(string examType) => $"""
        BEGIN;
        INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
          VALUES (16, 'Japan', NOW()::DATE, '{examType}', 'General check', 'DiagNet-3', 0.8934, 'v3.2');
        INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
          VALUES (16, 'France', NOW(), 'consultation', 150, 'EUR', 'pending');
        COMMIT;
        """;

    /// <summary>Every span of the trace whose statement mentions <paramref name="marker"/>, once <paramref name="done"/> says it is whole.</summary>
    private async Task<IReadOnlyList<Activity>> TraceOfAsync(string marker, DateTime after, Func<IReadOnlyList<Activity>, bool> done)
    {
        IReadOnlyList<Activity> trace = [];
        for (var i = 0; i < 120; i++)
        {
            var all = cluster.Agents.SelectMany(a => a.Spans).ToList();
            if (all.FirstOrDefault(s => s.StartTimeUtc >= after && ((string?)s.GetTagItem("db.query.text") ?? "").Contains(marker, StringComparison.Ordinal)) is { } any)
            {
                trace = [.. all.Where(s => s.TraceId == any.TraceId)];
                if (done(trace))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        return trace;
    }

    /// <param name="since">When the test began: its bill is the consultation billed since (a constant: Citus refuses now() beside column references in a DELETE).</param>
    internal static async Task CleanUpAsync(CitusCluster cluster, string examType, DateTime since)
    {
        await using var connection = await cluster.Coordinator.OpenAsync(LabSites.Database);
        await using var command = new Npgsql.NpgsqlCommand(
            $"DELETE FROM Transactions WHERE idPatient = 16 AND country = 'France' AND type = 'consultation' AND date >= '{since.AddSeconds(-5):yyyy-MM-dd HH:mm:ss}'; DELETE FROM MedicalRecords WHERE examType = '{examType}' AND country = 'Japan'",
            connection);
        await command.ExecuteNonQueryAsync();
    }

    private static Activity Child(IReadOnlyList<Activity> trace, Activity parent, Func<Activity, bool> which) =>
        Assert.Single(trace, s => s.ParentSpanId == parent.SpanId && which(s));

    [Fact]
    public async Task The_emergency_consultation_typed_in_psql_is_one_trace_with_both_phases_of_its_commit()
    {
        Installations.RequireCitus();
        var examType = $"Consultation {Guid.NewGuid():N}";
        var before = DateTime.UtcNow;
        var psql = await Psql.RunAsync(cluster.Agent("paris").ClientPort!.Value, Consultation(examType), database: LabSites.Database);
        Assert.True(psql.ExitCode == 0, psql.Error);
        try
        {
            var trace = await TraceOfAsync(examType, before, t => t.Count(s => s.DisplayName.StartsWith("phase", StringComparison.Ordinal)) == 2
                && t.Count(s => (string?)s.GetTagItem("mediai.2pc.step") == "COMMIT PREPARED") == 2);

            var root = Assert.Single(trace, IsClientRoot);
            Assert.Equal("BEGIN … COMMIT", root.DisplayName);
            var commit = Child(trace, root, s => ((string?)s.GetTagItem("db.query.text") ?? "").StartsWith("COMMIT", StringComparison.Ordinal));
            var twoPhase = Child(trace, commit, s => s.DisplayName == "two-phase commit");
            var phase1 = Child(trace, twoPhase, s => s.DisplayName.StartsWith("phase 1", StringComparison.Ordinal));
            var phase2 = Child(trace, twoPhase, s => s.DisplayName.StartsWith("phase 2", StringComparison.Ordinal));
            foreach (var site in new[] { "tokyo", "paris" })
            {
                var prepare = Child(trace, phase1, s => s.DisplayName == $"{site}: PREPARE TRANSACTION");
                Assert.Equal("yes", prepare.GetTagItem("mediai.2pc.vote"));
                var gid = (string)prepare.GetTagItem("db.transaction.gid")!;
                Assert.StartsWith("citus_", gid);
                var decided = Child(trace, phase2, s => s.DisplayName == $"{site}: COMMIT PREPARED");
                Assert.Equal(gid, decided.GetTagItem("db.transaction.gid"));
                Assert.True(phase1.StartTimeUtc <= prepare.StartTimeUtc && prepare.StartTimeUtc + prepare.Duration <= phase1.StartTimeUtc + phase1.Duration, "phase 1 spans its PREPAREs");
            }

            Assert.DoesNotContain(trace, s => SiteOf(s) is "tunis" or "montreal");
            Assert.Contains(trace, s => SiteOf(s) == "tokyo" && s.DisplayName.Contains("medicalrecords_", StringComparison.Ordinal));
            Assert.Contains(trace, s => SiteOf(s) == "paris" && s.DisplayName.Contains("transactions_", StringComparison.Ordinal) && !IsClientRoot(s));
            var fragments = cluster.Agents.SelectMany(a => a.Spans)
                .Where(s => s.TraceId != root.TraceId && s.StartTimeUtc >= root.StartTimeUtc && s.StartTimeUtc <= root.StartTimeUtc + root.Duration);
            Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
        }
        finally
        {
            await CleanUpAsync(cluster, examType, before);
        }
    }

    [Fact]
    public async Task Tokyo_dropped_after_it_voted_shows_in_doubt_and_the_recovery_links_back()
    {
        Installations.RequireCitus();
        var tokyo = cluster.Agent("tokyo");
        var door = cluster.Agent("paris").ClientPort!.Value;
        (await tokyo.Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();
        var examType = $"Consultation {Guid.NewGuid():N}";
        var before = DateTime.UtcNow;
        try
        {
            var typed = await Psql.RunAsync(door, Consultation(examType), database: LabSites.Database);
            await using (var tokyoNode = await cluster.Node("tokyo").OpenAsync(LabSites.Database))
            await using (var preparedThere = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_prepared_xacts", tokyoNode))
            {
                var faults = await tokyo.Http.GetStringAsync("/toxics");
                Assert.True(1L == (long)(await preparedThere.ExecuteScalarAsync())!, $"Tokyo should hold one prepared transaction; psql said {typed.Output} {typed.Error}; faults {faults}");
            }

            var trace = await TraceOfAsync(examType, before, t => t.Any(s => (string?)s.GetTagItem("error.type") == "in_doubt")
                && t.Any(s => s.DisplayName.StartsWith("phase 2", StringComparison.Ordinal)));
            var steps = cluster.Agents.SelectMany(a => a.Spans).Where(s => s.StartTimeUtc >= before && s.GetTagItem("mediai.2pc.step") is not null)
                .Select(s => $"{s.DisplayName} {s.GetTagItem("db.transaction.gid")} trace {s.TraceId}{(s.TraceId == trace[0].TraceId ? " (this one)" : "")}");
            var inDoubt = trace.SingleOrDefault(s => (string?)s.GetTagItem("error.type") == "in_doubt")
                ?? throw new Xunit.Sdk.XunitException("no IN DOUBT span in the trace; 2PC spans since the start:\n" + string.Join("\n", steps));
            Assert.Equal("tokyo", SiteOf(inDoubt));
            Assert.Equal(ActivityStatusCode.Error, inDoubt.Status);
            var phase2 = Assert.Single(trace, s => s.SpanId == inDoubt.ParentSpanId);
            Assert.StartsWith("phase 2", phase2.DisplayName);
            var gid = (string)inDoubt.GetTagItem("db.transaction.gid")!;
            Assert.Contains(trace, s => s.DisplayName == "tokyo: PREPARE TRANSACTION" && (string?)s.GetTagItem("db.transaction.gid") == gid);

            // The student recovers: Tokyo's COMMIT PREPARED sits in the recovery's trace, linked to the one that prepared.
            const string recover = "SELECT recover_prepared_transactions()";
            var recovered = await Psql.CommandAsync(door, recover, LabSites.Database);
            Assert.True(recovered.ExitCode == 0, recovered.Error);
            var recovery = await TraceOfAsync(recover, before, t => t.Any(s => s.DisplayName == "tokyo: COMMIT PREPARED"));
            var decided = Assert.Single(recovery, s => s.DisplayName == "tokyo: COMMIT PREPARED");
            Assert.Equal(gid, decided.GetTagItem("db.transaction.gid"));
            Assert.NotEqual(inDoubt.TraceId, decided.TraceId);
            Assert.Contains(decided.Links, l => l.Context.TraceId == inDoubt.TraceId);
        }
        finally
        {
            await tokyo.Http.PostAsync("/reset", null);
            await CleanUpAsync(cluster, examType, before);
        }
    }

    [Fact]
    public async Task A_statement_failing_at_one_site_ends_red_there_and_at_its_root()
    {
        // Only Tokyo's shard holds Japan: the division by zero happens there alone.
        const string sql = "SELECT count(1 / (CASE WHEN country = 'Japan' THEN 0 ELSE 1 END)) FROM Patients";
        var (root, trace, fragments) = await TypeAsync(sql, ["tokyo"], expectSuccess: false);

        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("22012", root.GetTagItem("db.response.status_code")); // division_by_zero
        var tokyo = Assert.Single(trace, s => SiteOf(s) == "tokyo" && s.GetTagItem("db.response.status_code") is not null);
        Assert.Equal(ActivityStatusCode.Error, tokyo.Status);
        Assert.Equal("22012", tokyo.GetTagItem("db.response.status_code"));
        Assert.Empty(fragments.Select(f => $"{SiteOf(f)}: {f.DisplayName}"));
    }

    [Fact]
    public async Task A_client_gone_mid_statement_ends_its_root_red_and_the_sites_parts_still_join_it()
    {
        Installations.RequireCitus();
        // About a second at each site (pg_sleep per row): psql is killed while the sites still work.
        const string sql = "SELECT count(*) FROM Patients WHERE pg_sleep(0.2) IS NOT NULL";
        var before = DateTime.UtcNow;
        var start = new ProcessStartInfo("psql", ["-h", "127.0.0.1", "-p", cluster.Agent("paris").ClientPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", LabSites.Database, "-X", "-c", sql])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using (var psql = Process.Start(start)!)
        {
            // Killed once the coordinator runs it (psql's own start can take longer than the statement's first second).
            Assert.True(await WhileRunningAsync(sql, running: true), "psql's statement never ran at the coordinator");
            psql.Kill();
            await psql.WaitForExitAsync();
        }

        var root = await DoorRootAsync(sql, before);
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("link_closed", root.GetTagItem("error.type"));

        // The coordinator finishes what it sent; each site's part lands in the trace of the statement it was for.
        IReadOnlyList<Activity> parts = [];
        for (var i = 0; i < 200 && parts.Select(SiteOf).Distinct().Count() < 4; i++)
        {
            parts = [.. cluster.Agents.SelectMany(a => a.Spans).Where(s => s.TraceId == root.TraceId && s != root)];
            await Task.Delay(50);
        }

        Assert.Equal(["montreal", "paris", "tokyo", "tunis"], parts.Select(SiteOf).Distinct().Order());
        Assert.True(await WhileRunningAsync(sql, running: false), "the coordinator never finished the statement of the client that left");
    }

    /// <summary>Waits until the coordinator is running <paramref name="sql"/> (or no longer is); false after 10 s.</summary>
    private async Task<bool> WhileRunningAsync(string sql, bool running)
    {
        await using var connection = await cluster.Coordinator.OpenAsync(LabSites.Database);
        for (var i = 0; i < 200; i++)
        {
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE query = $1 AND state = 'active'", connection);
            command.Parameters.AddWithValue(sql);
            if ((long)(await command.ExecuteScalarAsync())! > 0 == running)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
