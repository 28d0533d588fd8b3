using System.Text.RegularExpressions;
using MediAI.Coordinator.Core.Sql;
using Npgsql;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>A file that could not run to its end: every question of it fails with this reason.</summary>
public sealed class FileAbortedException(string message, Exception inner) : Exception(message, inner);

/// <summary>A statement of the student's file, and what PostgreSQL answered.</summary>
public sealed record StatementRun(int Line, string Sql, ResultSet? Result, string? Error);

/// <summary>The statements of one question's section, as they ran.</summary>
public sealed class SectionRun
{
    public List<StatementRun> Statements { get; } = [];

    public IEnumerable<string> Errors => Statements.Where(s => s.Error is not null).Select(s => s.Error!);

    /// <summary>The student's answer: the last statement that returned rows and is not an EXPLAIN, SHOW or SET.</summary>
    public StatementRun? Answer => Statements.LastOrDefault(s => s.Result is not null && s.Error is null && !FileRun.IsExplainOrSetting(s.Sql));
}

/// <summary>
/// Runs a student's SQL file statement by statement, as psql would: in the checker's own
/// transaction (each statement under a savepoint), or in autocommit. A statement that fails is
/// reported with PostgreSQL's message and the file carries on. Sections with blanks are not run;
/// transaction commands are skipped (the checker decides where transactions begin and end).
/// </summary>
public static partial class FileRun
{
    public static async Task<Dictionary<string, SectionRun>> RunAsync(NpgsqlConnection connection, ExerciseFile file, bool inTransaction, Func<CancellationToken, Task> reconnect, CancellationToken ct)
    {
        var runs = file.Sections.Select(s => s.Id).Distinct().ToDictionary(id => id, _ => new SectionRun());
        foreach (var step in PsqlScript.Parse(file.Text).OfType<SqlStep>())
        {
            var id = file.SectionAt(step.Line);
            if (file.Find(id) is not { BlankLines.Count: 0 })
            {
                continue;
            }

            var sql = step.Sql.TrimEnd().TrimEnd(';');
            if (TransactionCommand().IsMatch(sql))
            {
                runs[id].Statements.Add(new StatementRun(step.Line, sql, null,
                    $"{file.Path} line {step.Line}: transaction commands (BEGIN, COMMIT, …) do not belong in this file: the checker decides where its transactions begin and end"));
                continue;
            }

            if (CheckerSetting().IsMatch(sql))
            {
                // A student's file must not lift the time or resource limits or change who it runs as: an
                // endless query would then hold the grading of a whole class, a wide one starve the others.
                runs[id].Statements.Add(new StatementRun(step.Line, sql, null,
                    $"{file.Path} line {step.Line}: the checker sets the role, search_path, time and resource limits itself: remove this statement"));
                continue;
            }

            await SavepointAsync(connection, inTransaction, "SAVEPOINT student_statement", ct);

            try
            {
                await using var command = new NpgsqlCommand(sql, connection);
                var result = await ResultSet.ReadAsync(command, ct);
                runs[id].Statements.Add(new StatementRun(step.Line, sql, result, null));
                await SavepointAsync(connection, inTransaction, "RELEASE SAVEPOINT student_statement", ct);
            }
            catch (PostgresException e)
            {
                runs[id].Statements.Add(new StatementRun(step.Line, sql, null, $"{file.Path} line {step.Line}: {Describe(e)}"));
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    // Npgsql drops the connection after some errors (Citus's XX000 "requires repartitioning"
                    // is one). Autocommit loses nothing by reconnecting; a transaction would lose the file's work.
                    if (inTransaction)
                    {
                        throw new FileAbortedException($"{file.Path} line {step.Line}: the connection closed after this error, so the rest of the file could not run: {Describe(e)}", e);
                    }

                    await reconnect(ct);
                    continue;
                }

                await SavepointAsync(connection, inTransaction, "ROLLBACK TO SAVEPOINT student_statement", ct);
            }
        }

        return runs;
    }

    /// <summary>A savepoint command, inside a transaction only (autocommit needs none: a failed statement ends alone).</summary>
    public static Task SavepointAsync(NpgsqlConnection connection, bool inTransaction, string sql, CancellationToken ct) =>
        inTransaction ? ExecuteAsync(connection, sql, ct) : Task.CompletedTask;

    /// <summary>A statement whose result nobody reads (SET, SAVEPOINT, DROP …).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>PostgreSQL's words, its SQLSTATE, and its hint when it gives one.</summary>
    public static string Describe(PostgresException e) =>
        $"ERROR: {e.MessageText} (SQLSTATE {e.SqlState})"
        + (e.Hint is { Length: > 0 } hint ? $" HINT: {hint}" : "")
        + (e.SqlState == PostgresErrorCodes.QueryCanceled ? " — the statement ran past the checker's time limit (--timeout)" : "")
        + (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName && e.MessageText.Contains("lab_scale", StringComparison.Ordinal) ? $" — {ScaleGrades.NoData}" : "");

    public static bool IsExplainOrSetting(string sql) => ExplainOrSetting().IsMatch(sql);

    [GeneratedRegex(@"^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION|SAVEPOINT|RELEASE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TransactionCommand();

    [GeneratedRegex(@"(^\s*(SET|RESET)\s+((SESSION|LOCAL)\s+)?(ROLE|SESSION\s+AUTHORIZATION|statement_timeout|lock_timeout|idle_in_transaction_session_timeout|search_path|work_mem|citus\.max_adaptive_executor_pool_size|ALL)\b)|set_config\s*\(\s*'(statement_timeout|lock_timeout|idle_in_transaction_session_timeout|search_path|role|session_authorization|work_mem|citus\.max_adaptive_executor_pool_size)'", RegexOptions.IgnoreCase)]
    private static partial Regex CheckerSetting();

    [GeneratedRegex(@"^\s*(EXPLAIN|SHOW|SET|RESET)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExplainOrSetting();
}
