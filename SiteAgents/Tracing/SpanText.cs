using System.Globalization;
using System.Text.RegularExpressions;

namespace MediAI.SiteAgents.Tracing;

/// <summary>What spans say of a statement, the same way for the door's roots and the nodes' parts.</summary>
public static partial class SpanText
{
    private const int MaxQueryText = 2048;
    private const int MaxName = 60;

    /// <summary>db.query.text, bounded (a COPY or a generated INSERT can be megabytes); "…" where cut.</summary>
    public static string QueryText(string sql, bool truncated) =>
        sql.Length > MaxQueryText ? sql[..MaxQueryText] + "…" : truncated ? sql + "…" : sql;

    /// <summary>
    /// Which site a span is from, and that it is a PostgreSQL call: db.system for the dashboard's
    /// database icon and summary, db.system.name for current semantic conventions.
    /// </summary>
    public static KeyValuePair<string, object?>[] SiteTags(SiteAgentOptions site) =>
    [
        new("mediai.site", site.Name),
        new("mediai.city", site.City),
        new("db.system", "postgresql"),
        new("db.system.name", "postgresql"),
    ];

    /// <summary>The rows a command tag reports ("SELECT 20", "INSERT 0 1"), or null ("BEGIN").</summary>
    public static long? Rows(string commandTag) =>
        RowCount().Match(commandTag) is { Success: true } rows ? long.Parse(rows.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>A root's name: the statement itself, on one line and short (what the dashboard lists).</summary>
    public static string StatementName(string sql)
    {
        var line = Whitespace().Replace(sql.Trim(), " ").TrimEnd(';');
        return line.Length == 0 ? "(empty statement)" : line.Length > MaxName ? line[..MaxName] + "…" : line;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(\d+)$")]
    private static partial Regex RowCount();
}
