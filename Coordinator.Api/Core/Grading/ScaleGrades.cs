using System.Text.RegularExpressions;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// Part 5, on generated data (schema lab_scale): graded on what is deterministic — the rows, the
/// plan's shape (task counts, MapMergeJob, all tasks shown), where rows live, the rebalance job's
/// moves, and that the written answer carries timings and the right site. A timing's value never decides.
/// </summary>
public static partial class ScaleGrades
{
    public const string NoData = "this lab has no generated data (schema lab_scale): load it with the dashboard's \"Generate data\" "
        + "(coordinator-api), or dotnet run --project Coordinator.Api/Checker -- generate --skewed, then check again";

    /// <summary>Medical records per country, by the co-located join (5.1's rows; 5.1b's too, by any join).</summary>
    public const string RecordsPerCountry = """
        SELECT p.country, count(*) AS records
        FROM lab_scale.patients p JOIN lab_scale.medicalrecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
        GROUP BY p.country
        """;

    /// <summary>The generated patient 5.2 asks about (Japan's ids start at 400,000,001).</summary>
    public const string PatientRecords = """
        SELECT count(*) AS records, round(avg(aiScore), 4) AS avg_score FROM lab_scale.medicalrecords WHERE idPatient = 400000123
        """;

    /// <summary>Patients each site's node stores, counted on the placements themselves.</summary>
    public const string PatientsPerSite = """
        SELECT l.site, sum(r.result::bigint) AS patients
        FROM run_command_on_placements('lab_scale.patients', 'SELECT count(*) FROM %s') r
        JOIN lab_sites l ON l.nodename = r.nodename AND l.nodeport = r.nodeport
        GROUP BY l.site
        """;

    /// <summary>5.1 (co-located: one task per shard group, no MapMergeJob) and 5.1b (repartitioned: MapMergeJob).</summary>
    public static async Task<Verdict> Join(GradeContext c, bool repartitioned)
    {
        var (failed, explain) = await RowsThenPlanAsync(c, RecordsPerCountry, "EXPLAIN (ANALYZE) the join");
        if (failed is not null || explain is null)
        {
            return failed!;
        }

        var plan = PlanText(explain);
        var where = $"{c.SqlFile} line {explain.Line}";
        if (!explain.Sql.Contains("lab_scale.medicalrecords", StringComparison.OrdinalIgnoreCase))
        {
            return Verdict.Fail($"{where}: EXPLAIN the join itself (lab_scale.patients with lab_scale.medicalrecords)");
        }

        if (repartitioned)
        {
            return Verdict.From(
                plan.Contains("MapMergeJob", StringComparison.Ordinal) ? [] : [$"{where}: this plan has no MapMergeJob: join on idPatient only (leave the country out), with citus.enable_repartition_joins on"],
                "the same rows, and EXPLAIN shows both tables repartitioned between the nodes (MapMergeJob)");
        }

        var shards = await c.ScalarAsync<long>("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'lab_scale.patients'::regclass");
        var tasks = TaskCount().Match(plan) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var problems = new List<string>();
        if (plan.Contains("MapMergeJob", StringComparison.Ordinal))
        {
            problems.Add($"{where}: Citus repartitions this join: join on the distribution key too (p.country = mr.country), so that co-located shards join where they are");
        }
        else if (tasks != shards)
        {
            problems.Add($"{where}: the plan runs {tasks} task(s); the co-located join runs one per shard group of lab_scale.patients ({shards})");
        }

        problems.AddRange(Timings(c, 2));
        return Verdict.From(problems, $"the same rows; {tasks} tasks, one per shard group, each joining co-located shards where they live");
    }

    /// <summary>5.2 (router: one task, at Tokyo) and 5.2b (multi-shard: every shard asked).</summary>
    public static async Task<Verdict> Routing(GradeContext c, bool router)
    {
        var (failed, explain) = await RowsThenPlanAsync(c, PatientRecords, "EXPLAIN the query");
        if (failed is not null || explain is null)
        {
            return failed!;
        }

        if (!explain.Sql.Contains("400000123", StringComparison.Ordinal))
        {
            return Verdict.Fail($"{c.SqlFile} line {explain.Line}: EXPLAIN the query for patient 400000123 itself");
        }

        var routing = await QueryGrades.RoutingAsync(c, ExplainPrefix().Replace(explain.Sql, "", 1));
        var tokyo = (await c.QueryAsync("SELECT site FROM lab_sites WHERE country = 'Japan'")).Rows.Single()[0]!;
        var where = $"{c.SqlFile} line {explain.Line}";
        var problems = new List<string>();
        if (router && (routing.Kind != "router" || routing.Sites.Count != 1 || routing.Sites[0] != tokyo))
        {
            var how = routing.TaskCount > 1 ? $"{routing.TaskCount} tasks, one per shard" : $"one task at {string.Join(", ", routing.Sites)}";
            problems.Add($"{where}: Citus runs this query as {how}: filter on the distribution key too (country = 'Japan'), so that Tokyo alone answers");
        }
        else if (!router && routing.Kind != "multi-shard")
        {
            problems.Add($"{where}: Citus runs this query at one site: leave the distribution key out (only idPatient = 400000123), so that it must ask every shard");
        }

        if (router)
        {
            problems.AddRange(Timings(c, 2));
        }

        // EXPLAIN shows one of a multi-shard query's tasks: its count, not its sites, says "every shard".
        return Verdict.From(problems, router ? $"a router query: one task, at {tokyo}" : $"a multi-shard query: {routing.TaskCount} tasks, one per shard of lab_scale.medicalrecords");
    }

    /// <summary>5.3: the WAN timings, read in answers.md (the checker cannot turn the WAN on for you, nor grade a timing).</summary>
    public static Task<Verdict> WanTimings(GradeContext c) => Task.FromResult(Verdict.From(
        Timings(c, 5), "timings written (your professor grades the comparison)"));

    /// <summary>5.4: patients per site, most first, counted on the placements; the answer names the site holding most.</summary>
    public static async Task<Verdict> Skew(GradeContext c)
    {
        if (await PrerequisiteAsync(c) is { } failed)
        {
            return failed;
        }

        if (!await c.ScalarAsync<bool>("SELECT bool_and(skewed) FROM lab_scale.generation"))
        {
            return Verdict.Fail("the generated data is even (every site about the same): generate it skewed — dotnet run --project Coordinator.Api/Checker -- generate --skewed, or Generate data with skewed on — then run 5.4 again");
        }

        var rows = await QueryGrades.SameRowsAs(c, PatientsPerSite, mustUse: ["run_command_on_placements"], descendingColumn: 1);
        if (rows.Outcome != Outcome.Pass)
        {
            return rows;
        }

        var most = (await c.QueryAsync(PatientsPerSite + " ORDER BY patients DESC LIMIT 1")).Rows.Single()[0]!;
        return c.AnswerMentions(most)
            ? Verdict.Pass($"patients per site as stored, and {most} named as the site holding most")
            : Verdict.Fail($"answers.md [5.4]: name the site that holds the most rows, and say what that costs a multi-shard query");
    }

    /// <summary>5.4b: EXPLAIN ANALYZE with every task shown, so each site's time can be compared.</summary>
    public static async Task<Verdict> AllTasks(GradeContext c)
    {
        if (await PrerequisiteAsync(c) is { } failed)
        {
            return failed;
        }

        if (LastExplain(c) is not { } explain)
        {
            return Verdict.Fail($"{c.SqlFile}: EXPLAIN (ANALYZE) the aggregate under -- [5.4b]");
        }

        var plan = PlanText(explain);
        var problems = new List<string>();
        if (!(TaskCount().Match(plan) is { Success: true } count && int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 1))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: this query runs at one site: aggregate over every country (no filter on country), so that each site has a task");
        }
        else if (!plan.Contains("Tasks Shown: All", StringComparison.Ordinal))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: the plan shows one task: SET citus.explain_all_tasks = on first");
        }

        if (!plan.Contains("Execution Time", StringComparison.Ordinal))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: EXPLAIN (ANALYZE) runs the query and times each task; plain EXPLAIN only plans it");
        }

        return Verdict.From(problems, $"all {TaskCount().Match(plan).Groups[1].Value} tasks shown, each with its execution time");
    }

    /// <summary>
    /// 5.5, on what the student's run left: a rebalance job finished, Dakar out of the cluster again,
    /// every country's and siteOrigin's shard back at its site; the answer gives the job's number of moves.
    /// </summary>
    public static async Task<Verdict> Rebalance(GradeContext c)
    {
        var spares = await c.ExistsAsync("lab_spare_sites") ? (await c.QueryAsync("SELECT site FROM lab_spare_sites")).Rows.Count : 0;
        var jobs = await c.QueryAsync("""
            SELECT j.job_id, j.state, (SELECT count(*) FROM pg_dist_background_task t WHERE t.job_id = j.job_id) AS moves
            FROM pg_dist_background_job j WHERE j.job_type = 'rebalance' ORDER BY j.job_id DESC LIMIT 1
            """);
        if (jobs.Rows.Count == 0)
        {
            return Verdict.Fail(spares == 0
                ? "no rebalance has run, and this lab has no fifth site: start it with dotnet run --project AppHost -- --Lab:FifthSite=true, then run part5/5.5"
                : "no rebalance has run on this lab: run part5/5.5 (citus_rebalance_start)");
        }

        var (job, state, moves) = (jobs.Rows[0][0]!, jobs.Rows[0][1]!, jobs.Rows[0][2]!);
        var problems = new List<string>();
        if (state != "finished")
        {
            problems.Add(state is "cancelled" or "cancelling" or "failed" or "failing"
                ? $"the last rebalance (job {job}) did not finish ({state}): put everything back (the file's last steps), then run 5.5 again and let it finish"
                : $"the last rebalance (job {job}) is {state}: wait for it (SELECT citus_rebalance_wait();), then put everything back");
        }

        var inCluster = spares == 0 ? new ResultSet([], []) : await c.QueryAsync("""
            SELECT s.site FROM lab_spare_sites s JOIN pg_dist_node n ON n.nodename = s.nodename AND n.nodeport = s.nodeport
            """);
        problems.AddRange(inCluster.Rows.Select(r => $"{r[0]} is still in the cluster: drain it (citus_drain_node), clean up (CALL citus_cleanup_orphaned_resources()), then citus_remove_node"));

        var away = await c.QueryAsync("""
            SELECT t.label, l.site FROM (
                SELECT country || '''s patients' AS label, get_shard_id_for_distribution_column('patients', country) AS shardid, site FROM lab_sites
                UNION ALL
                SELECT siteorigin || ' training data', get_shard_id_for_distribution_column('trainingdata', siteorigin), site FROM lab_sites) t
            JOIN pg_dist_shard_placement p ON p.shardid = t.shardid
            JOIN lab_sites l ON l.site = t.site
            WHERE (p.nodename, p.nodeport) <> (l.nodename, l.nodeport)
            """);
        problems.AddRange(away.Rows.Select(r => $"{r[0]} are not at {r[1]}: move the shard home (citus_move_shard_placement, the file's last steps)"));

        // The number beside the word (4 moves, moved 4 shards, moves: 4), not any 4 in the text ("Part 4").
        if (!Regex.IsMatch(c.AnswerText, $@"(?<![\d.,]){moves}(?![\d.,])\W+(\w+\W+){{0,2}}mov|mov\w*\W+(\w+\W+){{0,3}}{moves}(?![\d.,])", RegexOptions.IgnoreCase))
        {
            problems.Add($"answers.md [5.5]: say how many shard moves your last rebalance (job {job}) made, and whose rows went to Dakar");
        }

        return Verdict.From(problems, $"rebalanced ({moves} moves, job {job}), Dakar removed, every country back at its site");
    }

    /// <summary>
    /// What 5.1 and 5.2 first ask: generated data, the student's query giving the expected rows, and
    /// an EXPLAIN of it in the section. Either a verdict that ends the grading, or the EXPLAIN.
    /// </summary>
    private static async Task<(Verdict? Failed, StatementRun? Explain)> RowsThenPlanAsync(GradeContext c, string expectedSql, string explainWhat)
    {
        if (await PrerequisiteAsync(c) is { } missing)
        {
            return (missing, null);
        }

        var rows = await QueryGrades.SameRowsAs(c, expectedSql);
        if (rows.Outcome != Outcome.Pass)
        {
            return (rows, null);
        }

        return LastExplain(c) is { } explain
            ? (null, explain)
            : (Verdict.Fail($"{c.SqlFile}: {explainWhat} under -- [{c.Question.Id}]"), null);
    }

    /// <summary>The lab has generated data, and Citus (a plain PostgreSQL coordinator is caught earlier: NeedsCitus).</summary>
    private static async Task<Verdict?> PrerequisiteAsync(GradeContext c)
    {
        if (!await c.ExistsAsync("lab_scale.patients") || !await c.ExistsAsync("lab_scale.generation"))
        {
            return Verdict.Fail(NoData);
        }

        return await c.ScalarAsync<bool>("SELECT coalesce(bool_and(finished_at IS NOT NULL), false) FROM lab_scale.generation")
            ? null
            : Verdict.Fail("the last generation of data did not finish (lab_scale.generation has no finished_at): generate again, then check again");
    }

    private static StatementRun? LastExplain(GradeContext c) =>
        c.Run.Statements.LastOrDefault(s => s.Result is not null && ExplainPrefix().IsMatch(s.Sql));

    private static string PlanText(StatementRun explain) => string.Join('\n', explain.Result!.Rows.Select(r => r[0]));

    /// <summary>At least <paramref name="minimum"/> timings (12.3 ms, 1.2 s, 00:11.363) in the written answer.</summary>
    private static List<string> Timings(GradeContext c, int minimum)
    {
        var count = Timing().Count(c.AnswerText);
        return count >= minimum ? [] : [$"answers.md [{c.Question.Id}]: paste the timings psql printed (\\timing on: \"Time: 12.345 ms\"): at least {minimum}, found {count}"];
    }

    [GeneratedRegex(@"^\s*EXPLAIN\b\s*(\([^)]*\)|(\s+(ANALYZE|VERBOSE))+)?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ExplainPrefix();

    [GeneratedRegex(@"Task Count: (\d+)")]
    private static partial Regex TaskCount();

    [GeneratedRegex(@"\d+(\.\d+)?\s*(ms|s|sec|seconds|milliseconds)\b|\d\d:\d\d\.\d+", RegexOptions.IgnoreCase)]
    private static partial Regex Timing();
}
