using System.Text.Json;
using System.Text.RegularExpressions;
using MediAI.Coordinator.Core.Routing;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>Questions answered by a query: its rows against the expected query's rows, run now on the same lab.</summary>
public static partial class QueryGrades
{
    /// <summary>The student's answer (the section's last query) gives the same rows as <paramref name="expectedSql"/>.</summary>
    public static async Task<Verdict> SameRowsAs(GradeContext c, string expectedSql, string[]? mustUse = null, bool extraRowsAllowed = false, int? descendingColumn = null)
    {
        if (c.Run.Answer is not { Result: { } actual } answer)
        {
            return Verdict.Fail($"{c.SqlFile}: write the query under -- [{c.Question.Id}] (no query in that section returned rows)");
        }

        var problems = new List<string>();
        var text = answer.Sql.ToLowerInvariant();
        problems.AddRange((mustUse ?? []).Where(v => !text.Contains(v, StringComparison.Ordinal))
            .Select(v => $"{c.SqlFile} line {answer.Line}: the query must use {v}"));
        var expected = await c.QueryAsync(expectedSql);
        problems.AddRange(ResultComparison.Differences(actual, expected, extraRowsAllowed).Select(d => $"{c.SqlFile} line {answer.Line}: {d}"));
        if (problems.Count == 0 && descendingColumn is { } column
            && ResultComparison.ColumnOf(actual, expected, column) is var index and >= 0
            && !ResultComparison.IsDescending(actual, index))
        {
            problems.Add($"{c.SqlFile} line {answer.Line}: the rows are right but not sorted by {expected.Columns[column]}, highest first (ORDER BY … DESC)");
        }

        return Verdict.From(problems, $"{actual.Rows.Count} row(s), as expected");
    }

    /// <summary>
    /// 3.1: EXPLAIN (VERBOSE) of the co-located join. Filtered on the name only, Citus sends one task
    /// per shard group, each joining its two co-located shards where they live (no data moves);
    /// 3.1b: filtered on the distribution key too, one task at the patient's site (a router query).
    /// </summary>
    public static async Task<Verdict> ColocatedJoin(GradeContext c, bool routed)
    {
        if (c.Run.Statements.LastOrDefault(s => ExplainPrefix().IsMatch(s.Sql)) is not { } explain)
        {
            return Verdict.Fail($"{c.SqlFile}: run EXPLAIN (VERBOSE) on the query under -- [{c.Question.Id}]");
        }

        var problems = new List<string>();
        var prefix = ExplainPrefix().Match(explain.Sql).Value;
        if (!prefix.Contains("VERBOSE", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: the question asks for EXPLAIN (VERBOSE): it shows the SQL each worker runs");
        }

        var query = explain.Sql[prefix.Length..];
        var routing = await RoutingAsync(c, query);
        var plan = string.Join('\n', explain.Result?.Rows.Select(r => r[0]) ?? []);
        if (plan.Contains("MapMergeJob", StringComparison.Ordinal))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: Citus repartitions this join: join on the distribution key too (p.country = mr.country), so that co-located shards join where they are");
        }

        var site = await PatientSiteAsync(c);
        if (routed && (routing.Kind != "router" || routing.Sites.Count != 1 || routing.Sites[0] != site))
        {
            problems.Add($"{c.SqlFile} line {explain.Line}: Citus runs this query as {routing.TaskCount} task(s) at {string.Join(", ", routing.Sites)}: "
                + "filter on the distribution key as well (the patient's country), so that a single site answers");
        }

        var filter = routed ? " AND p.country = (SELECT country FROM patients WHERE name = 'Mohamed Benali')" : "";
        var expected = await c.QueryAsync($"""
            SELECT p.name, p.age, p.city, p.country, mr.date, mr.examType, mr.result, mr.aiModelUsed, mr.aiScore
            FROM Patients p JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
            WHERE p.name = 'Mohamed Benali'{filter}
            """);
        problems.AddRange(ResultComparison.Differences(await c.QueryAsync(query), expected).Select(d => $"{c.SqlFile} line {explain.Line}, the query itself: {d}"));
        return Verdict.From(problems, routed ? $"a router query: one task, at {site}" : $"{routing.TaskCount} tasks, each joining co-located shards at its own site");
    }

    /// <summary>3.3: a join on a column that is not the distribution key; Citus repartitions.</summary>
    public static async Task<Verdict> RepartitionJoin(GradeContext c)
    {
        // The expected rows without a repartition (slow here: ~20 s on 2 cores): Citus collects the
        // materialized CTE on the coordinator and sends it along with the join instead.
        var verdict = await SameRowsAs(c, """
            WITH td AS MATERIALIZED (SELECT idData, aiModelUsed FROM TrainingData)
            SELECT mr.idRecord, mr.aiModelUsed, COUNT(td.idData) AS training_examples
            FROM MedicalRecords mr JOIN td ON td.aiModelUsed = mr.aiModelUsed
            GROUP BY mr.idRecord, mr.aiModelUsed
            """);
        if (verdict.Outcome != Outcome.Pass)
        {
            return verdict;
        }

        await FileRun.ExecuteAsync(c.Connection, "SET citus.enable_repartition_joins = on", CancellationToken.None);

        var plan = await c.QueryAsync("EXPLAIN " + c.Run.Answer!.Sql);
        return plan.Rows.Any(r => r[0]!.Contains("MapMergeJob", StringComparison.Ordinal))
            ? Verdict.Pass("right rows, and EXPLAIN shows Citus repartitioning both tables (MapMergeJob)")
            : Verdict.Fail($"{c.SqlFile} line {c.Run.Answer.Line}: the rows are right but Citus did not repartition: join on a column that is not the distribution key (aiModelUsed)");
    }

    /// <summary>The site that stores Mohamed Benali's rows (his country's), from the lab's site map.</summary>
    public static async Task<string> PatientSiteAsync(GradeContext c) =>
        (await c.QueryAsync("SELECT l.site FROM patients p JOIN lab_sites l USING (country) WHERE p.name = 'Mohamed Benali'")).Rows.Single()[0]!;

    public static async Task<SiteRouting> RoutingAsync(GradeContext c, string query)
    {
        var plan = await c.QueryAsync("EXPLAIN (FORMAT JSON) " + query);
        using var json = JsonDocument.Parse(plan.Rows[0][0]!);
        return SiteRouting.From(json.RootElement, c.Lab.ClusterOptions());
    }

    [GeneratedRegex(@"^\s*EXPLAIN\s*(\([^)]*\)|(\s+(ANALYZE|VERBOSE))+)?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ExplainPrefix();
}
