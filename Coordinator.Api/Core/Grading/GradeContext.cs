using MediAI.Coordinator.Core.Fragmentation;
using MediAI.Coordinator.Core.Sessions;
using Npgsql;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>What a question's grader sees: the lab, the student's section as it ran, their written answer.</summary>
public sealed class GradeContext(NpgsqlConnection connection, LabInfo lab, FragmentationChecker fragmentation, Question question, SectionRun? run, Section? answer)
{
    public NpgsqlConnection Connection { get; } = connection;
    public LabInfo Lab { get; } = lab;
    public FragmentationChecker Fragmentation { get; } = fragmentation;
    public Question Question { get; } = question;

    /// <summary>The question's section of its SQL file, as it ran (empty for files the checker does not run).</summary>
    public SectionRun Run { get; } = run ?? new SectionRun();

    /// <summary>The student's words in answers.md: the section without its heading and the quoted question.</summary>
    public string AnswerText { get; } = answer is null ? "" : string.Join('\n', answer.Text.Split('\n')
        .Skip(1).Where(l => !l.TrimStart().StartsWith('>')).Select(l => l.Trim()).Where(l => l.Length > 0 && l != "```" && l != "```text" && l != "```sql"));

    public string SqlFile => Question.SqlFile ?? "";

    public async Task<ResultSet> QueryAsync(string sql, params object[] parameters)
    {
        await using var command = ReadOnlySession.CommandOn(Connection, sql, parameters);
        return await ResultSet.ReadAsync(command, CancellationToken.None) ?? new ResultSet([], []);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = ReadOnlySession.CommandOn(Connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Whether a relation (view or table) exists, so a missing one gets a sentence instead of 42P01.</summary>
    public Task<bool> ExistsAsync(string relation) => ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", relation);

    public bool AnswerMentions(string text) => AnswerText.Contains(text, StringComparison.OrdinalIgnoreCase);
}
