using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Core.Sessions;
using Npgsql;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// Grades a folder of answers (exercises/ or solutions/) against the running lab, question by
/// question: blanks first, then the SQL as it runs, then the grader. One question's error never
/// stops the others. Parts 1–3 run in transactions that are rolled back: grading changes nothing.
/// </summary>
public sealed class LabChecker(NpgsqlDataSource dataSource, FragmentationChecker fragmentation, int timeoutSeconds, CheckScope? scope = null)
{
    private readonly CheckScope _scope = scope ?? CheckScope.Everything;
    private readonly Dictionary<string, string> _unreadable = [];

    public async Task<CheckReport> RunAsync(string folder, string labName, CancellationToken ct)
    {
        LabInfo lab;
        await using (var probe = await dataSource.OpenConnectionAsync(ct))
        {
            lab = await LabInfo.LoadAsync(probe, ct);
        }

        var answers = await LoadAsync(folder, LabQuestions.AnswerSheet, ct);
        var results = new List<QuestionResult>();
        var questions = LabQuestions.All.Where(_scope.Includes).ToList();
        foreach (var skipped in questions.Where(q => _scope.Skips.ContainsKey(q.Id)))
        {
            results.Add(new QuestionResult(skipped.Id, skipped.Part, skipped.Title, skipped.SqlFile, Outcome.Skipped, [_scope.Skips[skipped.Id]]));
        }

        foreach (var group in questions.Where(q => !_scope.Skips.ContainsKey(q.Id)).GroupBy(q => q.SqlFile))
        {
            var file = group.Key is null ? null : await LoadAsync(folder, group.Key, ct);
            try
            {
                await GradeFileAsync(group, file, lab, answers, results, ct);
            }
            catch (Exception e) when (e is NpgsqlException or FileAbortedException)
            {
                // The lab went away mid-file (a site down, the coordinator stopped), or the file's own
                // statement ended the session: say so for the questions left.
                var reason = e switch
                {
                    FileAbortedException => e.Message,
                    PostgresException p => $"checking {group.Key ?? LabQuestions.AnswerSheet} failed: {FileRun.Describe(p)}",
                    _ => $"lost the connection to the lab while checking {group.Key ?? LabQuestions.AnswerSheet}: {e.Message}. Is the lab still running?",
                };
                results.AddRange(group.Where(q => results.All(r => r.Id != q.Id)).Select(q => new QuestionResult(q.Id, q.Part, q.Title, q.SqlFile, Outcome.Fail, [reason])));
            }
        }

        var order = LabQuestions.All.Select(q => q.Id).ToList();
        ct.ThrowIfCancellationRequested(); // a run stopped half-way reports nothing, rather than failures that are only the stop
        return new CheckReport(folder, labName, lab.Server, lab.CitusVersion, [.. results.OrderBy(r => order.IndexOf(r.Id))]);
    }

    private async Task GradeFileAsync(IGrouping<string?, Question> group, ExerciseFile? file, LabInfo lab, ExerciseFile? answers, List<QuestionResult> results, CancellationToken ct)
    {
        var runs = group.Any(q => q.RunsFile) && file is not null;
        var inTransaction = runs && group.All(q => q.Mode == FileMode.RolledBack);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = inTransaction ? await connection.BeginTransactionAsync(ct) : null;
        await LimitAsync(connection, ct);
        Dictionary<string, SectionRun>? sectionRuns = null;
        string? unreadable = null;
        if (inTransaction && !_scope.Sandboxed)
        {
            // (A sandbox's schema starts empty: there is nothing of an earlier run to drop.)
            foreach (var relation in LabQuestions.Creates.GetValueOrDefault(group.Key!) ?? [])
            {
                await FileRun.ExecuteAsync(connection, $"""
                    DO $$ BEGIN
                      IF to_regclass('{relation}') IS NOT NULL THEN
                        EXECUTE format('DROP %s %s CASCADE', CASE (SELECT relkind FROM pg_class WHERE oid = to_regclass('{relation}')) WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, to_regclass('{relation}'));
                      END IF;
                    END $$
                    """, ct);
            }
        }

        if (runs)
        {
            try
            {
                sectionRuns = await FileRun.RunAsync(connection, file!, inTransaction, async token =>
                {
                    await connection.OpenAsync(token);
                    await LimitAsync(connection, token);
                }, ct);
            }
            catch (FormatException e)
            {
                unreadable = $"{group.Key}: {e.Message}";
            }
        }

        if (_scope.Sandboxed && await ShadowsAsync(connection, ct) is { } shadowed)
        {
            unreadable ??= shadowed;
        }

        foreach (var question in group)
        {
            var verdict = await GradeAsync(connection, inTransaction, lab, question, file, sectionRuns?.GetValueOrDefault(question.Id), unreadable, answers, ct);
            results.Add(new QuestionResult(question.Id, question.Part, question.Title, question.SqlFile, verdict.Outcome, verdict.Reasons));
        }

        // Disposing the transaction rolls back whatever the student's file created.
    }

    private async Task<Verdict> GradeAsync(NpgsqlConnection connection, bool inTransaction, LabInfo lab, Question q, ExerciseFile? file,
        SectionRun? run, string? unreadable, ExerciseFile? answers, CancellationToken ct)
    {
        var blanks = new List<string>();
        if (q.SqlFile is not null)
        {
            blanks.AddRange(Blanks(file, q.SqlFile, q.Id, $"-- [{q.Id}]"));
        }

        var answer = answers?.Find(q.Id);
        if (q.Answer)
        {
            blanks.AddRange(Blanks(answers, LabQuestions.AnswerSheet, q.Id, $"a heading with [{q.Id}]"));
        }

        if (blanks.Count > 0)
        {
            return Verdict.Fail(blanks);
        }

        if (q.NeedsCitus && !lab.Citus)
        {
            return Verdict.Skip("needs Citus: this lab's coordinator is plain PostgreSQL (no citus extension)");
        }

        if (q.NeedsCitus && lab.Nodes.Count == 0)
        {
            return Verdict.Fail("the lab's site map (table lab_sites) is missing: run data/init-cluster.sql on the coordinator, it creates it");
        }

        if (unreadable is not null)
        {
            return Verdict.Fail(unreadable);
        }

        if (run?.Errors.ToList() is { Count: > 0 } errors)
        {
            return Verdict.Fail(errors);
        }

        if (_scope.Errors?.GetValueOrDefault(q.Id) is { Count: > 0 } replayed)
        {
            return Verdict.Fail(replayed);
        }

        var context = new GradeContext(connection, lab, fragmentation, q, run, answer);
        if (q.Answer && context.AnswerText.Length == 0)
        {
            return Verdict.Fail($"answers.md [{q.Id}]: write your answer (or paste psql's output) under the heading");
        }

        await FileRun.SavepointAsync(connection, inTransaction, "SAVEPOINT grading", ct);

        // Graders re-run the student's queries (a plan's query, say): outside the rolled-back
        // transaction they run read-only, so nothing a student wrote can change the lab from here.
        var readOnly = !inTransaction && q.Mode == FileMode.Autocommit;
        if (readOnly)
        {
            await FileRun.ExecuteAsync(connection, "BEGIN TRANSACTION READ ONLY", ct);
        }

        try
        {
            var verdict = await q.Grade(context);
            await FileRun.SavepointAsync(connection, inTransaction, "RELEASE SAVEPOINT grading", ct);

            return verdict;
        }
        catch (Exception e) when (e is not NpgsqlException || e is PostgresException)
        {
            await FileRun.SavepointAsync(connection, inTransaction, "ROLLBACK TO SAVEPOINT grading", ct);

            return Verdict.Fail(e switch
            {
                PostgresException p => $"checking {q.Id} failed: {FileRun.Describe(p)}",
                FragmentException f => FileRun.Describe(f.PostgresError),
                QueryRejectedException => e.Message,
                _ => $"checking {q.Id} failed: {e.Message}",
            });
        }
        finally
        {
            if (readOnly && connection.State == System.Data.ConnectionState.Open)
            {
                await FileRun.ExecuteAsync(connection, "ROLLBACK", ct);
            }
        }
    }

    /// <summary>
    /// A table of the student's own named like one of the lab's hides the lab's from every grader
    /// (their schema comes first in search_path): graders would read the student's rows.
    /// </summary>
    private static async Task<string?> ShadowsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1)", connection);
        command.Parameters.AddWithValue(CheckScope.LabTables);
        return await command.ExecuteScalarAsync(ct) is string names
            ? $"your SQL creates {names} of your own, which hides the lab's table of that name from every query: use the lab's tables, create only your own views and tables under other names"
            : null;
    }

    private IEnumerable<string> Blanks(ExerciseFile? file, string path, string id, string marker)
    {
        if (_unreadable.TryGetValue(path, out var reason))
        {
            return [reason];
        }

        if (file is null)
        {
            return [$"{path} is missing: restore it (git checkout -- {path}, from the folder you are checking)"];
        }

        if (file.Find(id) is not { } section)
        {
            return [$"{path}: {marker} is gone: put it back above your answer"];
        }

        return section.BlankLines.Select(line => $"{path} line {line}: fill in the blank ___");
    }

    private async Task<ExerciseFile?> LoadAsync(string folder, string relative, CancellationToken ct)
    {
        try
        {
            return await AnswerFile.LoadAsync(folder, relative, ct);
        }
        catch (UnreadableFileException e)
        {
            _unreadable[relative] = e.Message;
            return null;
        }
    }

    /// <summary>Every statement of the session stops after the timeout, with PostgreSQL's 57014.</summary>
    private Task LimitAsync(NpgsqlConnection connection, CancellationToken ct) =>
        FileRun.ExecuteAsync(connection, $"SET statement_timeout = {timeoutSeconds * 1000}", ct);
}
