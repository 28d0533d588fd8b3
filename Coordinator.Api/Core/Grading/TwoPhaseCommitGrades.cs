using System.Text.RegularExpressions;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// Part 4: what the student's own run left in the lab. The checker does not run these files:
/// they commit, and 4c needs a fault injected by hand. Rows are looked for in the shard
/// placement at the site itself, not only through the coordinator.
/// </summary>
public static partial class TwoPhaseCommitGrades
{
    public const string Admitted = "admitted to Paris emergency";
    public const string Duplicate = "duplicate admission";

    /// <summary>4a: PREPARE TRANSACTION / COMMIT PREPARED / ROLLBACK PREPARED on a local table.</summary>
    public static async Task<Verdict> PreparedLocally(GradeContext c)
    {
        if (!await c.ExistsAsync("consultationlog"))
        {
            return Verdict.Fail($"ConsultationLog does not exist: run {c.SqlFile} in psql on the coordinator (psql … -f {c.SqlFile})");
        }

        var problems = new List<string>();
        if (c.Lab.Citus && await c.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'consultationlog'::regclass)"))
        {
            problems.Add("ConsultationLog must stay a local table: Citus refuses PREPARE TRANSACTION once a transaction touched a distributed table");
        }

        if (await c.ScalarAsync<long>("SELECT count(*) FROM consultationlog WHERE note = $1", Admitted) == 0)
        {
            problems.Add($"the row '{Admitted}' is not in ConsultationLog: its prepared transaction was not committed (COMMIT PREPARED 'yuki_admission')");
        }

        if (await c.ScalarAsync<long>("SELECT count(*) FROM consultationlog WHERE note = $1", Duplicate) > 0)
        {
            problems.Add($"the row '{Duplicate}' is in ConsultationLog: its prepared transaction should have been rolled back (ROLLBACK PREPARED 'yuki_duplicate')");
        }

        var waiting = await c.QueryAsync("SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid NOT LIKE 'citus\\_%'");
        problems.AddRange(waiting.Rows.Select(r => $"'{r[0]}' is still prepared, holding its locks: finish it with COMMIT PREPARED '{r[0]}' or ROLLBACK PREPARED '{r[0]}'"));
        return Verdict.From(problems, "one prepared transaction committed, one rolled back, nothing left waiting");
    }

    /// <summary>4b: the emergency consultation: the record at Tokyo and the bill at Paris, one transaction.</summary>
    public static async Task<Verdict> EmergencyConsultation(GradeContext c)
    {
        var problems = new List<string>();
        problems.AddRange(await RowAtSiteAsync(c, "medicalrecords", "Japan", "examtype = 'Emergency consultation'", "Yuki Tanaka's emergency consultation record (MedicalRecords, country 'Japan')"));
        problems.AddRange(await RowAtSiteAsync(c, "transactions", "France", "type = 'consultation'", "the consultation billed in France (Transactions, country 'France')"));
        problems.AddRange(GidsAndSites(c));
        return Verdict.From(problems, "the record is at Tokyo, the bill at Paris, and the gids are in your answer");
    }

    /// <summary>4c: Tokyo's link dropped after it prepared; healed and recovered, both rows are at their sites.</summary>
    public static async Task<Verdict> SiteFailure(GradeContext c)
    {
        var problems = new List<string>();
        problems.AddRange(await InDoubtAsync(c));
        problems.AddRange(await RowAtSiteAsync(c, "medicalrecords", "Japan", "examtype = 'Emergency follow-up'", "the follow-up record (MedicalRecords, country 'Japan')"));
        problems.AddRange(await RowAtSiteAsync(c, "transactions", "France", "type = 'follow-up'", "the follow-up bill (Transactions, country 'France')"));
        if (!CitusGid().IsMatch(c.AnswerText))
        {
            problems.Add("answers.md [4c]: paste the in-doubt transaction you saw at Tokyo, with its gid (citus_…)");
        }

        return Verdict.From(problems, "nothing left in doubt, and both rows of the follow-up are at their sites");
    }

    public const string CrashBefore = "Crash before commit record";
    public const string CrashAfter = "Crash after commit record";

    /// <summary>
    /// 4d: the coordinator killed between the phases, twice; after recovery the consultation it
    /// had not decided is gone from both sites, the one it had decided is whole at both.
    /// </summary>
    public static async Task<Verdict> CoordinatorCrash(GradeContext c)
    {
        var problems = new List<string>();
        problems.AddRange(await InDoubtAsync(c));
        problems.AddRange(await RowAtSiteAsync(c, "medicalrecords", "Japan", $"examtype = '{CrashAfter}'", $"the record '{CrashAfter}' (MedicalRecords, country 'Japan', from 4d-crash-after.sql)"));
        problems.AddRange(await RowAtSiteAsync(c, "transactions", "France", "type = 'crash-after'", "the bill 'crash-after' (Transactions, country 'France', from 4d-crash-after.sql)"));
        var undecided = await c.ScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM MedicalRecords WHERE idPatient = 16 AND examType = '{CrashBefore}') + (SELECT count(*) FROM Transactions WHERE idPatient = 16 AND type = 'crash-before')");
        if (undecided > 0)
        {
            problems.Add($"{undecided} row(s) of 4d-crash-before.sql exist: the coordinator died before its commit record, so recovery must roll its parts back. " +
                "Was the fault armed (agent-tokyo → Crash coordinator before its commit record) when you ran it? Reset lab data, then run 4d again");
        }

        if (!CitusGid().IsMatch(c.AnswerText) || !c.AnswerMentions("pg_dist_transaction"))
        {
            problems.Add("answers.md [4d]: paste the gids you saw prepared and what pg_dist_transaction held for them, for both crashes");
        }

        return Verdict.From(problems, "the undecided consultation rolled back at both sites, the decided one committed at both, nothing in doubt");
    }

    public const string NightEmergency = "Night emergency";

    /// <summary>
    /// 4e: graded on what the held consultations left — each whole, its record at Tokyo and its bill
    /// at Paris, nothing in doubt — and on the answer: the gid Tokyo held while the read ran, and
    /// the remedy's statement. Never on timing: when the reader looked is the student's to paste.
    /// </summary>
    public static async Task<Verdict> FracturedRead(GradeContext c)
    {
        var problems = new List<string>();
        problems.AddRange(await InDoubtAsync(c));
        problems.AddRange(await RowAtSiteAsync(c, "medicalrecords", "Japan", $"examtype = '{NightEmergency}'",
            "the night emergency's record (MedicalRecords, country 'Japan')", LabQuestions.HeldConsultation));
        problems.AddRange(await RowAtSiteAsync(c, "transactions", "France", "type = 'night-emergency'",
            "the night emergency's bill (Transactions, country 'France')", LabQuestions.HeldConsultation));
        var records = await c.ScalarAsync<long>($"SELECT count(*) FROM MedicalRecords WHERE idPatient = 16 AND examType = '{NightEmergency}'");
        var bills = await c.ScalarAsync<long>("SELECT count(*) FROM Transactions WHERE idPatient = 16 AND country = 'France' AND type = 'night-emergency'");
        if (records != bills)
        {
            problems.Add($"{records} night-emergency record(s) at Tokyo but {bills} bill(s) at Paris: each run of {LabQuestions.HeldConsultation} commits one of each. " +
                "Were some written by hand, or deleted? Reset lab data, then run 4e again");
        }

        if (!CitusGid().IsMatch(c.AnswerText))
        {
            problems.Add("answers.md [4e]: paste the gid Tokyo held while your read ran (the read's span at Tokyo: mediai.read.pending_prepared_gids, citus_…)");
        }

        if (!WaitingLock().IsMatch(c.AnswerText))
        {
            problems.Add("answers.md [4e]: paste the remedy's statement (LOCK TABLE … IN … MODE), in a mode that waits for the writers' ROW EXCLUSIVE locks");
        }

        return Verdict.From(problems, "every night emergency whole at Tokyo and Paris, nothing in doubt, and the held gid and the remedy in your answer");
    }

    private static List<string> GidsAndSites(GradeContext c)
    {
        var problems = new List<string>();
        if (!CitusGid().IsMatch(c.AnswerText))
        {
            problems.Add("answers.md [4b]: copy the gids you read in the trace (they look like citus_0_12345_6_7)");
        }

        problems.AddRange(new[] { "Tokyo", "Paris" }.Where(s => !c.AnswerMentions(s))
            .Select(s => $"answers.md [4b]: say what {s} prepared and committed"));
        return problems;
    }

    /// <summary>Counts the rows in the placement of <paramref name="country"/>'s shard, at the node that holds it.</summary>
    private static async Task<List<string>> RowAtSiteAsync(GradeContext c, string table, string country, string condition, string what, string? file = null)
    {
        var site = LabSites.All.Single(s => s.Country == country).SiteOrigin;
        var placements = await c.QueryAsync($"""
            SELECT l.site, r.success, r.result
            FROM run_command_on_placements('{table}', $cmd$SELECT count(*) FROM %s WHERE idpatient = 16 AND {condition}$cmd$) r
            LEFT JOIN lab_sites l ON l.nodename = r.nodename AND l.nodeport = r.nodeport
            WHERE r.shardid = get_shard_id_for_distribution_column('{table}', $1::text)
            """, country);
        var problems = new List<string>();
        foreach (var row in placements.Rows)
        {
            if (row[1] != "t")
            {
                problems.Add($"{row[0] ?? site} did not answer ({row[2]}): heal it (dashboard → agent-{site.ToLowerInvariant()} → Heal all), then check again");
            }
            else if (row[2] == "0")
            {
                problems.Add($"{what} is not at {row[0]}: run the transaction of {file ?? c.SqlFile} (and, if it is in doubt, recover it)");
            }
            else if (row[0] != site)
            {
                problems.Add($"{what} is stored at {row[0]}, not at {site}: the lab's placement has changed; reset it (dashboard → coordinator-api → Reset lab data) and run again");
            }
        }

        return problems;
    }

    private static async Task<List<string>> InDoubtAsync(GradeContext c)
    {
        var waiting = await c.QueryAsync("""
            SELECT coalesce(l.site, n.nodename || ':' || n.nodeport), r.success, r.result
            FROM run_command_on_all_nodes($cmd$SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'citus\_%'$cmd$) r
            JOIN pg_dist_node n USING (nodeid)
            LEFT JOIN lab_sites l ON l.nodename = n.nodename AND l.nodeport = n.nodeport
            """);
        return [.. waiting.Rows.Where(r => r[1] != "t" || r[2] != "0").Select(r => r[1] != "t"
            ? $"{r[0]} cannot be reached ({r[2]}): heal it (dashboard → its agent → Heal all)"
            : $"{r[2]} transaction(s) still in doubt at {r[0]}: heal the site, then on the coordinator SELECT recover_prepared_transactions();")];
    }

    [GeneratedRegex(@"citus_\d+_\d+_\d+_\d+")]
    private static partial Regex CitusGid();

    /// <summary>A LOCK whose mode conflicts with ROW EXCLUSIVE (SHARE and stronger); ACCESS SHARE, ROW SHARE and SHARE UPDATE EXCLUSIVE let a commit through.</summary>
    [GeneratedRegex(@"\bLOCK\s+(?:TABLE\s+)?[^;]*?\bIN\s+(?:SHARE(?:\s+ROW\s+EXCLUSIVE)?|EXCLUSIVE|ACCESS\s+EXCLUSIVE)\s+MODE\b", RegexOptions.IgnoreCase)]
    private static partial Regex WaitingLock();
}
