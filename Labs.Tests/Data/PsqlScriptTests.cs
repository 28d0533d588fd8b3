using MediAI.Coordinator.Core.Sql;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MediAI.Labs.Tests.Data;

/// <summary>The script runner the bootstrap uses, checked against what psql does with the same text.</summary>
public sealed class PsqlScriptTests(PlainServer plain)
{
    [Fact]
    public void Statements_split_at_semicolons_outside_quotes_comments_and_dollar_quotes()
    {
        var steps = PsqlScript.Parse("""
            SELECT 'a;b' AS "x;y"; -- a comment; with a semicolon
            /* block ; comment */ SELECT $$ ; $$;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT 1
            """);
        Assert.Equal(
            ["SELECT 'a;b' AS \"x;y\";", "SELECT $$ ; $$;", "DO $body$ BEGIN PERFORM 1; END $body$;", "SELECT 1"],
            steps.Cast<SqlStep>().Select(s => s.Sql));
    }

    [Fact]
    public void Meta_commands_on_one_line_are_split_and_gexec_ends_a_statement()
    {
        var steps = PsqlScript.Parse("""
            \if :{?h} \else \set h citus_master \endif
            SELECT format('SELECT %s', 1) \gexec
            """);
        Assert.Equal(
            ["if :{?h}", "else ", "set h citus_master", "endif ", "gexec? True"],
            steps.Select(s => s switch
            {
                MetaStep m => $"{m.Command} {m.Arguments}",
                SqlStep q => $"gexec? {q.Gexec}",
                _ => "",
            }));
    }

    [Fact]
    public void Unfinished_statement_before_a_meta_command_is_an_error_naming_the_line()
    {
        var error = Assert.Throws<FormatException>(() => PsqlScript.Parse("SELECT 1\n\\echo hi\n"));
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public async Task Variables_defaults_and_gexec_behave_like_psql()
    {
        var database = await plain.CreateDatabaseAsync("psql");
        await using var connection = await plain.Server.OpenAsync(database);
        var runner = new PsqlRunner(connection, NullLogger.Instance).WithVariable("host", "it's-given");
        await runner.RunAsync("test.sql", """
            \if :{?host} \else \set host fallback \endif
            \if :{?port} \else \set port 5432 \endif
            CREATE TABLE t (host text, port int, literal text);
            INSERT INTO t VALUES (:'host', :port, ':host stays in a literal');
            SELECT format('INSERT INTO t VALUES (%L, %s, %L)', 'gexec', n, 'x::text') FROM generate_series(1, 2) n \gexec
            """, CancellationToken.None);

        await using var query = new NpgsqlCommand("SELECT host || '/' || port || '/' || literal FROM t ORDER BY port, host", connection);
        var rows = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["gexec/1/x::text", "gexec/2/x::text", "it's-given/5432/:host stays in a literal"], rows);
    }

    [Fact]
    public async Task Each_statement_a_gexec_generates_is_reported_before_it_runs_with_its_label_and_place()
    {
        var database = await plain.CreateDatabaseAsync("psql");
        await using var connection = await plain.Server.OpenAsync(database);
        var seen = new List<string>();
        var runner = new PsqlRunner(connection, NullLogger.Instance).OnProgress(p =>
        {
            // Reported before it runs: the table holds only the earlier rows.
            using var count = new NpgsqlCommand("SELECT count(*) FROM placed", connection);
            seen.Add($"{p} (before: {count.ExecuteScalar()})");
        });
        await runner.RunAsync("progress.sql", """
            CREATE TABLE placed (country text);
            SELECT format('/* placing %s at %s */ INSERT INTO placed VALUES (%L)', c, s, c)
              FROM (VALUES ('Japan', 'Tokyo'), ('Canada', 'Montréal')) AS v(c, s) \gexec
            SELECT 'SELECT 1 AS unlabelled' \gexec
            """, CancellationToken.None);

        Assert.Equal(
            ["1/2 placing Japan at Tokyo (before: 0)", "2/2 placing Canada at Montréal (before: 1)", "1/1 SELECT 1 AS unlabelled (before: 2)"],
            seen);
    }

    [Fact]
    public async Task A_failing_statement_reports_script_line_and_sqlstate()
    {
        var database = await plain.CreateDatabaseAsync("psql");
        await using var connection = await plain.Server.OpenAsync(database);
        var runner = new PsqlRunner(connection, NullLogger.Instance);
        var error = await Assert.ThrowsAsync<ScriptException>(() =>
            runner.RunAsync("broken.sql", "SELECT 1;\n\nSELECT * FROM no_such_table;\n", CancellationToken.None));
        Assert.Equal(3, error.Line);
        Assert.Equal("42P01", error.PostgresError.SqlState);
        Assert.Contains("broken.sql line 3", error.Message);
    }
}
