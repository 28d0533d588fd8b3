using System.Text;

namespace MediAI.Coordinator.Core.Sql;

/// <summary>One unit of a psql script: a SQL statement, or a meta-command (\set, \if, \echo, …).</summary>
public abstract record ScriptStep(int Line);

/// <summary>A SQL statement; <see cref="Gexec"/> when it ended with \gexec instead of ';'.</summary>
public sealed record SqlStep(int Line, string Sql, bool Gexec) : ScriptStep(Line);

/// <summary>A backslash command and its raw argument text.</summary>
public sealed record MetaStep(int Line, string Command, string Arguments) : ScriptStep(Line);

/// <summary>
/// Splits a psql script into steps the way psql does for what the lab's data scripts use:
/// statements end at ';' or '\gexec' outside quotes, comments and dollar quotes; a backslash
/// outside those starts meta-commands that run to the end of the line. The lab's scripts run
/// unchanged with psql -f by hand, and through <see cref="PsqlRunner"/> in the bootstrap.
/// </summary>
public static class PsqlScript
{
    /// <summary>A string as an SQL literal, as psql's :'name' writes it: 'it''s'.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static IReadOnlyList<ScriptStep> Parse(string text)
    {
        var steps = new List<ScriptStep>();
        var sql = new StringBuilder();
        var line = 1;
        var statementLine = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (sql.Length == 0 || string.IsNullOrWhiteSpace(sql.ToString()))
            {
                statementLine = line;
            }

            if (c == '\'' || c == '"')
            {
                i = CopyQuoted(text, i, c, sql, ref line);
            }
            else if (c == '$' && DollarTag(text, i) is { } tag)
            {
                var end = text.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + tag.Length;
                Append(text, i, end, sql, ref line);
                i = end;
            }
            else if (c == '-' && At(text, i + 1) == '-')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end; // the newline itself is kept below
            }
            else if (c == '/' && At(text, i + 1) == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                line += text.AsSpan(i, end - i).Count('\n');
                sql.Append(' ');
                i = end;
            }
            else if (c == ';')
            {
                sql.Append(c);
                AddStatement(steps, sql, statementLine, gexec: false);
                i++;
            }
            else if (c == '\\')
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                var metaLine = text[i..end];
                foreach (var (command, arguments) in SplitMeta(metaLine))
                {
                    if (command == "gexec")
                    {
                        AddStatement(steps, sql, statementLine, gexec: true);
                    }
                    else
                    {
                        if (!string.IsNullOrWhiteSpace(sql.ToString()))
                        {
                            throw new FormatException($"line {line}: \\{command} inside an unfinished SQL statement (missing ';'?)");
                        }

                        sql.Clear();
                        steps.Add(new MetaStep(line, command, arguments));
                    }
                }

                i = end;
            }
            else
            {
                if (c == '\n')
                {
                    line++;
                }

                sql.Append(c);
                i++;
            }
        }

        if (!string.IsNullOrWhiteSpace(sql.ToString()))
        {
            // psql runs a last statement without ';' at end of file too.
            AddStatement(steps, sql, statementLine, gexec: false);
        }

        return steps;
    }

    private static void AddStatement(List<ScriptStep> steps, StringBuilder sql, int line, bool gexec)
    {
        var text = sql.ToString().Trim();
        sql.Clear();
        if (text.Length > 0 && text != ";")
        {
            steps.Add(new SqlStep(line, text, gexec));
        }
    }

    /// <summary>"\if :{?x} \else \set x y \endif" → (if, ":{?x}"), (else, ""), (set, "x y"), (endif, "").</summary>
    private static List<(string Command, string Arguments)> SplitMeta(string metaLine)
    {
        var parts = new List<(string, string)>();
        var current = new StringBuilder();
        var inQuote = false;
        foreach (var ch in metaLine)
        {
            if (ch == '\'')
            {
                inQuote = !inQuote;
            }

            if (ch == '\\' && !inQuote && current.Length > 0)
            {
                parts.Add(Split(current.ToString()));
                current.Clear();
            }

            current.Append(ch);
        }

        if (current.Length > 0)
        {
            parts.Add(Split(current.ToString()));
        }

        return parts;

        static (string, string) Split(string command)
        {
            var body = command.TrimStart('\\').Trim();
            var space = body.IndexOfAny([' ', '\t']);
            return space < 0 ? (body, "") : (body[..space], body[(space + 1)..].Trim());
        }
    }

    private static int CopyQuoted(string text, int start, char quote, StringBuilder sql, ref int line)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == quote)
            {
                if (At(text, i + 1) == quote)
                {
                    i += 2; // doubled quote inside the literal
                    continue;
                }

                i++;
                break;
            }

            i++;
        }

        Append(text, start, i, sql, ref line);
        return i;
    }

    private static string? DollarTag(string text, int start)
    {
        var end = start + 1;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        // $1 is a parameter, not a dollar quote.
        return end < text.Length && text[end] == '$' && !char.IsDigit(At(text, start + 1)) ? text[start..(end + 1)] : null;
    }

    private static void Append(string text, int start, int end, StringBuilder sql, ref int line)
    {
        line += text.AsSpan(start, end - start).Count('\n');
        sql.Append(text, start, end - start);
    }

    private static char At(string text, int index) => index < text.Length ? text[index] : '\0';
}
