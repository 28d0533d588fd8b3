using System.Text.RegularExpressions;
using MediAI.Coordinator.Core.Sessions;
using MediAI.Coordinator.Core.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Core.Fragmentation;

/// <summary>
/// Checks a fragmentation of a table against its data: completeness (every row, every column is
/// in some fragment), disjointness (horizontal: no row in two fragments) and reconstructibility
/// (UNION, or JOIN on the key, gives back exactly the table). A failed check answers the rows
/// that break it.
/// </summary>
public sealed partial class FragmentationChecker([FromKeyedServices(ReadOnlySession.DataSourceKey)] NpgsqlDataSource dataSource, IOptions<QueryLimits> limits)
{
    private const int MaxOffendingRows = 20;

    public async Task<FragmentationReport> CheckAsync(FragmentationRequest request, CancellationToken cancellationToken)
    {
        await using var session = await ReadOnlySession.OpenAsync(dataSource, limits.Value.TimeoutMs, cancellationToken);
        return await CheckAsync(session.Connection, request, cancellationToken);
    }

    /// <summary>The same check on an open connection, inside its transaction (the lab checker's, where a student's views exist uncommitted).</summary>
    public async Task<FragmentationReport> CheckAsync(NpgsqlConnection session, FragmentationRequest request, CancellationToken cancellationToken)
    {
        var type = request.Type?.Trim().ToLowerInvariant();
        var table = Relation(request.Table, "table");
        var tableColumns = await ColumnsAsync(session, table, "table", cancellationToken);
        var checks = type switch
        {
            "horizontal" => await HorizontalAsync(session, table, tableColumns, Sources(request.Fragments, "fragments"), cancellationToken),
            "vertical" => await VerticalAsync(session, table, tableColumns, Sources(request.Fragments, "fragments"), request.Key, cancellationToken),
            "hybrid" => await HybridAsync(session, table, tableColumns, request, cancellationToken),
            _ => throw new QueryRejectedException("type", "must be horizontal, vertical or hybrid"),
        };
        return new FragmentationReport(request.Table!, type!, checks.All(c => c.Passed), checks);
    }

    private static async Task<List<PropertyCheck>> HorizontalAsync(NpgsqlConnection session, string table, IReadOnlyList<string> columns, IReadOnlyList<Fragment> fragments, CancellationToken ct)
    {
        foreach (var fragment in fragments)
        {
            var fragmentColumns = await ColumnsAsync(session, fragment.Sql, fragment.Field, ct);
            if (!fragmentColumns.SequenceEqual(columns))
            {
                throw new QueryRejectedException(fragment.Field,
                    $"a horizontal fragment has all of {table}'s columns in order ({string.Join(", ", columns)}); {fragment.Name} has {string.Join(", ", fragmentColumns)}");
            }
        }

        var list = string.Join(", ", columns);
        var union = string.Join(" UNION ALL ", fragments.Select(f => $"SELECT {list} FROM {f.Sql} AS f"));
        var checks = new List<PropertyCheck>
        {
            await CheckAsync(session, "completeness", $"SELECT {list} FROM {table} EXCEPT SELECT {list} FROM ({union}) AS u",
                "every row of the table is in at least one fragment", "rows of the table in no fragment", ct),
        };

        var overlaps = new List<string>();
        for (var i = 0; i < fragments.Count; i++)
        {
            for (var j = i + 1; j < fragments.Count; j++)
            {
                overlaps.Add($"SELECT {PsqlScript.Literal(fragments[i].Name)} AS fragment_a, {PsqlScript.Literal(fragments[j].Name)} AS fragment_b, {list} FROM (SELECT {list} FROM {fragments[i].Sql} AS a INTERSECT SELECT {list} FROM {fragments[j].Sql} AS b) AS x");
            }
        }

        checks.Add(overlaps.Count == 0
            ? new PropertyCheck("disjointness", true, "a single fragment overlaps nothing", [], [])
            : await CheckAsync(session, "disjointness", string.Join(" UNION ALL ", overlaps),
                "no row is in two fragments", "rows found in two fragments", ct));
        checks.Add(await CheckAsync(session, "reconstructibility", SymmetricDifference(table, list, union),
            "the UNION of the fragments gives back exactly the table (no row lost, none added or duplicated)",
            "rows that differ between the table and the UNION of its fragments ('side' says where each is)", ct));
        return checks;
    }

    private static async Task<List<PropertyCheck>> VerticalAsync(NpgsqlConnection session, string table, IReadOnlyList<string> columns, IReadOnlyList<Fragment> fragments, List<string>? key, CancellationToken ct)
    {
        var (join, checks) = await VerticalJoinAsync(session, table, columns, fragments, key, ct);
        if (join is not null)
        {
            checks.Add(await CheckAsync(session, "reconstructibility", SymmetricDifference(table, string.Join(", ", columns), join),
                "the JOIN of the fragments on the key gives back exactly the table",
                "rows that differ between the table and the JOIN of its fragments ('side' says where each is)", ct));
        }

        return checks;
    }

    /// <summary>Column completeness and the reconstruction JOIN (null when a column is missing).</summary>
    private static async Task<(string? Join, List<PropertyCheck> Checks)> VerticalJoinAsync(
        NpgsqlConnection session, string table, IReadOnlyList<string> columns, IReadOnlyList<Fragment> fragments, List<string>? requestedKey, CancellationToken ct)
    {
        var fragmentColumns = new List<IReadOnlyList<string>>();
        foreach (var fragment in fragments)
        {
            fragmentColumns.Add(await ColumnsAsync(session, fragment.Sql, fragment.Field, ct));
        }

        var key = requestedKey?.Select(k => Identifier(k, "key")).ToList() ?? (await PrimaryKeyAsync(session, table, ct)).Where(k => fragmentColumns.All(c => c.Contains(k))).ToList();
        if (key.Count == 0 || fragmentColumns.Any(c => !key.All(c.Contains)))
        {
            throw new QueryRejectedException("key", "every vertical fragment must hold the key it is joined on (the table's primary key, or give 'key')");
        }

        var missing = columns.Where(c => !fragmentColumns.Any(f => f.Contains(c))).ToList();
        var checks = new List<PropertyCheck>
        {
            new("completeness", missing.Count == 0,
                missing.Count == 0 ? "every column of the table is in at least one fragment" : $"columns in no fragment: {string.Join(", ", missing)}",
                missing.Count == 0 ? [] : ["missing column"], missing.Select(m => new object?[] { m }).ToList()),
        };
        if (missing.Count > 0)
        {
            return (null, checks);
        }

        // Each column from the first fragment that has it, the fragments joined on the key.
        var select = string.Join(", ", columns.Select(c => $"f{fragmentColumns.FindIndex(f => f.Contains(c))}.{c}"));
        var from = $"{fragments[0].Sql} AS f0" + string.Concat(fragments.Skip(1).Select((f, i) =>
            $" JOIN {f.Sql} AS f{i + 1} ON " + string.Join(" AND ", key.Select(k => $"f0.{k} = f{i + 1}.{k}"))));
        return ($"SELECT {select} FROM {from}", checks);
    }

    private async Task<List<PropertyCheck>> HybridAsync(NpgsqlConnection session, string table, IReadOnlyList<string> columns, FragmentationRequest request, CancellationToken ct)
    {
        if (request.Groups is not { Count: > 0 } groups)
        {
            throw new QueryRejectedException("groups", "hybrid needs 'groups': one list of vertical fragments per horizontal fragment");
        }

        // Columns each group's horizontal predicate fixes (WHERE country = 'France') may be left out
        // of its fragments, as the handout's Trans_FR_* views do: the checks then compare the others.
        var implied = (request.Implied ?? []).Select(c => Identifier(c, "implied")).ToList();
        var unknown = implied.Where(c => !columns.Contains(c)).ToList();
        if (unknown.Count > 0)
        {
            throw new QueryRejectedException("implied", $"{string.Join(", ", unknown)} is not a column of {table}");
        }

        var kept = columns.Where(c => !implied.Contains(c)).ToList();
        var rebuilt = new List<Fragment>();
        var checks = new List<PropertyCheck>();
        for (var g = 0; g < groups.Count; g++)
        {
            var members = Sources(groups[g], $"groups[{g}]");
            var (join, groupChecks) = await VerticalJoinAsync(session, table, kept, members, request.Key, ct);
            checks.AddRange(groupChecks.Select(c => c with { Property = $"{c.Property} of group {g + 1} ({string.Join(" + ", members.Select(m => m.Name))})" }));
            if (join is not null)
            {
                rebuilt.Add(new Fragment($"({join})", string.Join(" ⋈ ", members.Select(m => m.Name)), $"groups[{g}]"));
            }
        }

        if (rebuilt.Count == groups.Count)
        {
            checks.AddRange(await HorizontalAsync(session, table, kept, rebuilt, ct));
        }

        return checks;
    }

    private static async Task<PropertyCheck> CheckAsync(NpgsqlConnection session, string property, string sql, string passed, string failed, CancellationToken ct)
    {
        await using var command = Command(session, $"SELECT * FROM ({sql}) AS offending LIMIT {MaxOffendingRows + 1}");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct) && rows.Count < MaxOffendingRows)
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => ReadOnlySql.JsonFriendly(reader.IsDBNull(i) ? null : reader.GetValue(i))).ToArray());
        }

        return rows.Count == 0 ? new PropertyCheck(property, true, passed, [], []) : new PropertyCheck(property, false, failed, columns, rows);
    }

    private static string SymmetricDifference(string table, string list, string rebuilt) => $"""
        (SELECT 'only in the table' AS side, {list} FROM (SELECT {list} FROM {table} EXCEPT ALL SELECT {list} FROM ({rebuilt}) AS r) AS t)
        UNION ALL
        (SELECT 'only in the fragments', {list} FROM (SELECT {list} FROM ({rebuilt}) AS r EXCEPT ALL SELECT {list} FROM {table}) AS f)
        """;

    /// <summary>A relation's (or a subquery's) columns, in order; PostgreSQL's error comes back naming <paramref name="field"/>.</summary>
    public static async Task<IReadOnlyList<string>> ColumnsAsync(NpgsqlConnection session, string source, string field, CancellationToken ct)
    {
        try
        {
            await using var command = Command(session, $"SELECT * FROM {source} AS probe LIMIT 0");
            await using var reader = await command.ExecuteReaderAsync(ct);
            return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        }
        catch (PostgresException e)
        {
            throw new FragmentException(field, e);
        }
    }

    private static async Task<List<string>> PrimaryKeyAsync(NpgsqlConnection session, string table, CancellationToken ct)
    {
        await using var command = Command(session, """
            SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
            """, [table]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var key = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            key.Add(reader.GetString(0));
        }

        return key;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, IEnumerable<object>? parameters = null) =>
        ReadOnlySession.CommandOn(connection, sql, parameters);

    private sealed record Fragment(string Sql, string Name, string Field);

    /// <summary>Names become relations; SELECTs become subqueries (checked as read-only statements).</summary>
    private List<Fragment> Sources(List<string>? definitions, string field)
    {
        if (definitions is not { Count: > 0 })
        {
            throw new QueryRejectedException(field, "list at least one fragment: a view name or a SELECT");
        }

        return definitions.Select((d, i) =>
        {
            var itemField = $"{field}[{i}]";
            var text = d?.Trim() ?? "";
            return IdentifierPattern().IsMatch(text)
                ? new Fragment(text.ToLowerInvariant(), text, itemField)
                : new Fragment($"({ReadOnlySql.Validate(text, itemField, limits.Value)})", text.Length > 60 ? text[..60] + "…" : text, itemField);
        }).ToList();
    }

    private static string Relation(string? name, string field) => Identifier(name, field);

    private static string Identifier(string? name, string field) =>
        name is not null && IdentifierPattern().IsMatch(name.Trim())
            ? name.Trim().ToLowerInvariant()
            : throw new QueryRejectedException(field, "must be a table or column name (letters, digits, '_', optionally schema.name)");

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex IdentifierPattern();
}
