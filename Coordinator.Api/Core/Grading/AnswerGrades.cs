using System.Text.RegularExpressions;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>Written answers in answers.md: checked where a fact decides (a site, a state), otherwise only for being there.</summary>
public static partial class AnswerGrades
{
    public static Task<Verdict> Answered(GradeContext c) =>
        Task.FromResult(Verdict.Pass("answered (your professor grades the content)"));

    public static Task<Verdict> Sentences(GradeContext c, int minimum)
    {
        var count = SentenceEnd().Count(c.AnswerText);
        return Task.FromResult(count >= minimum
            ? Verdict.Pass($"answered in {count} sentences (your professor grades the content)")
            : Verdict.Fail($"answers.md [{c.Question.Id}]: write at least {minimum} sentences (found {count})"));
    }

    /// <summary>2.3: every strategy's row of the allocation table has its last column filled.</summary>
    public static Task<Verdict> AllocationTable(GradeContext c)
    {
        var empty = new[] { "Partitioned", "Replicated", "Mixed" }
            .Where(strategy => c.AnswerText.Split('\n').FirstOrDefault(l => l.StartsWith($"| {strategy}", StringComparison.OrdinalIgnoreCase)) is not { } row
                || row.Trim().TrimEnd('|').Split('|').Last().Trim().Length == 0)
            .ToList();
        return Task.FromResult(empty.Count == 0
            ? Verdict.Pass("answered (your professor grades the content)")
            : Verdict.Fail($"answers.md [2.3]: fill the last column of the row(s) {string.Join(", ", empty)}"));
    }

    /// <summary>2.2: shardstate 1 is Citus's active (healthy, usable) placement.</summary>
    public static Task<Verdict> ShardState(GradeContext c) => Task.FromResult(
        new[] { "active", "healthy", "finalized", "valid", "usable", "up to date", "up-to-date" }.Any(c.AnswerMentions)
            ? Verdict.Pass("state 1 named")
            : Verdict.Fail("answers.md [2.2]: say what state 1 means for a placement (Citus's placement states: can the placement be read and written?)"));

    /// <summary>1.4b: the node holding Tokyo's TrainingData shard, found by query and named in the answer.</summary>
    public static async Task<Verdict> TokyoTrainingData(GradeContext c)
    {
        var expected = (await c.QueryAsync("""
            SELECT l.site, p.nodename, p.nodeport::text FROM pg_dist_shard_placement p
            JOIN lab_sites l ON l.nodename = p.nodename AND l.nodeport = p.nodeport
            WHERE p.shardid = get_shard_id_for_distribution_column('trainingdata', 'Tokyo')
            """)).Rows.Single();
        // The site's name, or the node's name and port together (in the handout's cluster every node's port is 5432).
        var (site, node, port) = (expected[0]!, expected[1]!, expected[2]!);
        bool Names(IReadOnlyCollection<string?> cells) =>
            cells.Any(v => string.Equals(v, site, StringComparison.OrdinalIgnoreCase)) || (cells.Contains(node) && cells.Contains(port));
        var problems = new List<string>();
        if (c.Run.Answer is not { Result: { } result } answer)
        {
            problems.Add($"{c.SqlFile}: write the query under -- [1.4b]");
        }
        else if (result.Rows.Count == 0 || !result.Rows.All(r => Names(r)))
        {
            problems.Add($"{c.SqlFile} line {answer.Line}: your result does not point at the node that holds the shard for siteOrigin 'Tokyo' only "
                + "(find the shard with get_shard_id_for_distribution_column('trainingdata', 'Tokyo'), its placement in pg_dist_shard_placement, the site in lab_sites)");
        }

        if (!c.AnswerMentions(site) && !(c.AnswerMentions(node) && c.AnswerMentions(port)))
        {
            problems.Add("answers.md [1.4b]: name the site (or the node's port) that stores Tokyo's TrainingData rows");
        }

        return Verdict.From(problems, "the node found and named");
    }

    /// <summary>3.1: the co-located join's plan, and an answer that names the site of the routed version.</summary>
    public static async Task<Verdict> ColocatedJoin(GradeContext c)
    {
        var verdict = await QueryGrades.ColocatedJoin(c, routed: false);
        var site = await QueryGrades.PatientSiteAsync(c);
        return c.AnswerMentions(site) ? verdict
            : Verdict.Fail([.. verdict.Outcome == Outcome.Fail ? verdict.Reasons : [], "answers.md [3.1]: name the workers (sites) that execute each version of the query, as EXPLAIN shows them"]);
    }

    [GeneratedRegex(@"[.!?](\s|$)")]
    private static partial Regex SentenceEnd();
}
