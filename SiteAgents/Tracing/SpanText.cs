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
    public static long? Rows(string commandTag)
    {
        // The trailing number, read by hand: this runs for every statement on the relay's path.
        var start = commandTag.Length;
        while (start > 0 && char.IsAsciiDigit(commandTag[start - 1]))
        {
            start--;
        }

        return start < commandTag.Length && long.TryParse(commandTag.AsSpan(start), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ? rows : null;
    }

    /// <summary>A root's name: the statement itself, on one line and short (what the dashboard lists).</summary>
    public static string StatementName(string sql)
    {
        // Whitespace runs become one space, up to MaxName characters: no regex, no copy of a long statement.
        Span<char> name = stackalloc char[MaxName + 1];
        var length = 0;
        var space = false;
        foreach (var c in sql.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = length > 0;
                continue;
            }

            if (length + (space ? 2 : 1) > name.Length)
            {
                length = name.Length;
                break;
            }

            if (space)
            {
                name[length++] = ' ';
                space = false;
            }

            name[length++] = c;
        }

        if (length > MaxName)
        {
            return string.Concat(name[..MaxName], "…");
        }

        var line = name[..length].TrimEnd(';');
        return line.Length == 0 ? "(empty statement)" : new string(line);
    }
}
