using MediAI.Coordinator.Core.Sql;

namespace MediAI.Coordinator.Core.Sessions;

/// <summary>
/// What users' SQL may be where the lab only reads it (the query API, fragment definitions): one
/// reading statement; and how its values are given back as JSON.
/// </summary>
public static class ReadOnlySql
{
    /// <summary>Statements that only read. Read-only transactions stop the rest anyway; this says so earlier and plainer.</summary>
    private static readonly string[] ReadingStatements = ["SELECT", "WITH", "VALUES", "TABLE", "SHOW"];

    /// <summary>One reading statement, or a 400 naming <paramref name="field"/>.</summary>
    public static string Validate(string? sqlText, string field, QueryLimits limits, int parameterCount = 0)
    {
        var sql = sqlText?.Trim() ?? "";
        if (sql.Length == 0)
        {
            throw new QueryRejectedException(field, "is required: one read-only SQL statement, with $1, $2, … for parameters");
        }

        if (sql.Length > limits.MaxSqlLength)
        {
            throw new QueryRejectedException(field, $"is {sql.Length} characters; at most {limits.MaxSqlLength}");
        }

        IReadOnlyList<ScriptStep> steps;
        try
        {
            steps = PsqlScript.Parse(sql);
        }
        catch (FormatException e)
        {
            throw new QueryRejectedException(field, e.Message);
        }

        if (steps.Count != 1 || steps[0] is not SqlStep { Gexec: false } step)
        {
            throw new QueryRejectedException(field, "must be exactly one SQL statement (no ';' between statements, no psql \\commands)");
        }

        var text = step.Sql.TrimEnd(';').Trim();
        var first = text.Split((char[])[' ', '\n', '\r', '\t', '('], 2)[0].ToUpperInvariant();
        if (!ReadingStatements.Contains(first))
        {
            throw new QueryRejectedException(field, $"this endpoint only reads: {first} is not allowed (use {string.Join(", ", ReadingStatements)})");
        }

        if (parameterCount > 100)
        {
            throw new QueryRejectedException("parameters", "at most 100");
        }

        return text;
    }

    /// <summary>Values JSON can carry as they are; anything else as PostgreSQL's text.</summary>
    public static object? JsonFriendly(object? value) => value switch
    {
        null or string or bool or short or int or long or float or double or decimal or DateTime or DateOnly or TimeOnly or Guid => value,
        Array array => array.Cast<object?>().Select(JsonFriendly).ToArray(),
        _ => value.ToString(),
    };
}
