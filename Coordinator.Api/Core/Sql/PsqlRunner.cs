using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MediAI.Coordinator.Core.Sql;

/// <summary>A statement of a script that PostgreSQL rejected, with where it stands in the script.</summary>
public sealed class ScriptException(string script, int line, string statement, PostgresException inner)
    : Exception($"{script} line {line}: {inner.MessageText} (SQLSTATE {inner.SqlState}) in: {Head(statement)}", inner)
{
    public string Script { get; } = script;
    public int Line { get; } = line;
    public PostgresException PostgresError { get; } = inner;

    private static string Head(string sql) => sql.Length <= 160 ? sql : sql[..160] + "…";
}

/// <summary>
/// Runs a psql script over an open Npgsql connection: SQL statements one by one (autocommit,
/// like psql), \gexec, \set, \if :{?var} / \else / \endif, \echo, and psql variable
/// interpolation (:name, :'name', :"name").
/// </summary>
public sealed partial class PsqlRunner(NpgsqlConnection connection, ILogger logger)
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
    private Action<ScriptProgress>? _progress;
    private Action<string, PostgresException?>? _onError;

    public PsqlRunner WithVariable(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    /// <summary>Told before each statement a \gexec generated runs (the bootstrap shows it in the dashboard).</summary>
    public PsqlRunner OnProgress(Action<ScriptProgress> progress)
    {
        _progress = progress;
        return this;
    }

    /// <summary>
    /// Carries on past a failing statement or an unsupported meta-command, as psql does without
    /// ON_ERROR_STOP, telling <paramref name="report"/> what failed, and PostgreSQL's error when it was
    /// one (a student's file replayed for grading). A lost connection still ends the run.
    /// </summary>
    public PsqlRunner ContinueOnError(Action<string, PostgresException?> report)
    {
        _onError = report;
        return this;
    }

    public async Task RunFileAsync(string path, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        await RunAsync(Path.GetFileName(path), text, cancellationToken);
    }

    public async Task RunAsync(string scriptName, string text, CancellationToken cancellationToken)
    {
        // Each entry: is this branch active?
        var branches = new Stack<bool>();
        bool Active() => branches.All(b => b);

        foreach (var step in PsqlScript.Parse(text))
        {
            switch (step)
            {
                case MetaStep { Command: "if" } m:
                    branches.Push(EvaluateCondition(m.Arguments, scriptName, m.Line));
                    break;
                case MetaStep { Command: "else" }:
                    if (branches.Count == 0)
                    {
                        throw new FormatException($"{scriptName} line {step.Line}: \\else without \\if");
                    }

                    branches.Push(!branches.Pop());
                    break;
                case MetaStep { Command: "endif" }:
                    if (branches.Count == 0)
                    {
                        throw new FormatException($"{scriptName} line {step.Line}: \\endif without \\if");
                    }

                    branches.Pop();
                    break;
                case var _ when !Active():
                    break;
                case MetaStep { Command: "set" } m:
                    var parts = m.Arguments.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length > 0 && parts[0] != "ON_ERROR_STOP")
                    {
                        _variables[parts[0]] = parts.Length > 1 ? Unquote(parts[1]) : "";
                    }

                    break;
                case MetaStep { Command: "echo" } m:
                    logger.LogInformation("{Message}", Interpolate(Unquote(m.Arguments)));
                    break;
                case MetaStep { Command: "timing" or "x" or "pset" or "a" or "t" }:
                    break; // how psql shows results (\timing on in the exercises): nothing runs, nothing to do
                case MetaStep m when _onError is not null:
                    _onError($"{scriptName} line {m.Line}: \\{m.Command} skipped (the grader runs SQL, \\gexec, \\set, \\if and \\echo)", null);
                    break;
                case MetaStep m:
                    throw new FormatException($"{scriptName} line {m.Line}: \\{m.Command} is not supported by the lab's script runner");
                case SqlStep s when _onError is not null:
                    try
                    {
                        await ExecuteAsync(scriptName, s, cancellationToken);
                    }
                    catch (ScriptException e)
                    {
                        _onError(e.Message, e.PostgresError);
                    }

                    break;
                case SqlStep s:
                    await ExecuteAsync(scriptName, s, cancellationToken);
                    break;
            }
        }
    }

    private async Task ExecuteAsync(string scriptName, SqlStep step, CancellationToken cancellationToken)
    {
        var sql = Interpolate(step.Sql);
        try
        {
            if (!step.Gexec)
            {
                await using var command = new NpgsqlCommand(TrimSemicolon(sql), connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }

            // \gexec: each non-null value of the result is a statement of its own, run in order.
            var generated = new List<string>();
            await using (var query = new NpgsqlCommand(sql, connection))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        if (!reader.IsDBNull(i))
                        {
                            generated.Add(reader.GetValue(i).ToString()!);
                        }
                    }
                }
            }

            for (var index = 0; index < generated.Count; index++)
            {
                var statement = generated[index];
                _progress?.Invoke(new ScriptProgress(ScriptProgress.LabelOf(SecretText.Redact(statement)), index + 1, generated.Count));
                logger.LogInformation("  {Statement}", SecretText.Redact(statement));
                await using var command = new NpgsqlCommand(statement, connection);
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e)
                {
                    throw new ScriptException(scriptName, step.Line, statement, e);
                }
            }
        }
        catch (PostgresException e)
        {
            throw new ScriptException(scriptName, step.Line, sql, e);
        }
    }

    private bool EvaluateCondition(string argument, string scriptName, int line)
    {
        var interpolated = DefinedTest().Replace(argument, m => _variables.ContainsKey(m.Groups[1].Value) ? "true" : "false");
        interpolated = Interpolate(interpolated).Trim().ToLowerInvariant();
        return interpolated switch
        {
            "true" or "on" or "1" or "yes" => true,
            "false" or "off" or "0" or "no" => false,
            _ => throw new FormatException($"{scriptName} line {line}: \\if needs a boolean, got '{interpolated}'"),
        };
    }

    /// <summary>psql's variable interpolation, outside string literals and quoted identifiers.</summary>
    private string Interpolate(string sql)
    {
        var result = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = sql.IndexOf(c, i + 1);
                end = end < 0 ? sql.Length : end + 1;
                result.Append(sql, i, end - i);
                i = end;
                continue;
            }

            if (c == ':' && i + 1 < sql.Length && sql[i + 1] != ':' && (i == 0 || sql[i - 1] != ':'))
            {
                var match = VariableReference().Match(sql, i);
                if (match.Success && match.Index == i && _variables.TryGetValue(match.Groups["name"].Value, out var value))
                {
                    result.Append(match.Groups["quote"].Value switch
                    {
                        "'" => PsqlScript.Literal(value),
                        "\"" => "\"" + value.Replace("\"", "\"\"") + "\"",
                        _ => value,
                    });
                    i += match.Length;
                    continue;
                }
            }

            result.Append(c);
            i++;
        }

        return result.ToString();
    }

    private static string TrimSemicolon(string sql) => sql.TrimEnd().TrimEnd(';');

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1].Replace("''", "'") : value;

    [GeneratedRegex(@":\{\?([A-Za-z0-9_]+)\}")]
    private static partial Regex DefinedTest();

    [GeneratedRegex(@":(?<quote>['""]?)(?<name>[A-Za-z_][A-Za-z0-9_]*)\k<quote>")]
    private static partial Regex VariableReference();
}
