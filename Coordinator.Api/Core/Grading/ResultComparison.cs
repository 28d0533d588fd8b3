using System.Globalization;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// A student's result against the expected one, as a set of rows (order is checked apart, where
/// the question asks for one). Columns match by name, else by position; extra named columns are
/// ignored. Differences come back as sentences with example rows.
/// </summary>
public static class ResultComparison
{
    private const int Examples = 3;

    public static List<string> Differences(ResultSet actual, ResultSet expected, bool extraRowsAllowed = false)
    {
        if (ColumnMap(actual, expected) is not { } map)
        {
            return [$"your result has the columns ({string.Join(", ", actual.Columns)}); the question asks for ({string.Join(", ", expected.Columns)}), with these names or in this order"];
        }

        var remaining = expected.Rows.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count());
        var unexpected = new List<string?[]>();
        foreach (var row in actual.Rows)
        {
            var projected = map.Select(i => row[i]).ToArray();
            var key = Key(projected);
            if (remaining.TryGetValue(key, out var count) && count > 0)
            {
                remaining[key] = count - 1;
            }
            else
            {
                unexpected.Add(projected);
            }
        }

        // What is left in the counts after matching the student's rows is what the student lacks.
        var missing = new List<string?[]>();
        foreach (var row in expected.Rows)
        {
            var key = Key(row);
            if (remaining[key] > 0)
            {
                missing.Add(row);
                remaining[key]--;
            }
        }

        var differences = new List<string>();
        if (missing.Count > 0)
        {
            differences.Add($"{missing.Count} expected row(s) missing from your result, e.g. {Show(missing)}");
        }

        if (unexpected.Count > 0 && !extraRowsAllowed)
        {
            differences.Add($"{unexpected.Count} row(s) in your result that should not be there, e.g. {Show(unexpected)}");
        }

        return differences;
    }

    /// <summary>Where the expected column sits in the student's result (by name, else by position), or -1.</summary>
    public static int ColumnOf(ResultSet actual, ResultSet expected, int expectedColumn) =>
        ColumnMap(actual, expected) is { } map ? map[expectedColumn] : -1;

    public static bool IsDescending(ResultSet result, int column)
    {
        decimal? previous = null;
        foreach (var row in result.Rows)
        {
            if (!decimal.TryParse(row[column], NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            if (previous < value)
            {
                return false;
            }

            previous = value;
        }

        return true;
    }

    /// <summary>
    /// By name when every expected column is there; else by position, if the columns whose names do
    /// match sit where the question has them (COUNT(*) named "count" instead of "shards" is fine;
    /// the same columns in another order, one renamed, is not).
    /// </summary>
    private static int[]? ColumnMap(ResultSet actual, ResultSet expected)
    {
        var byName = expected.Columns.Select(actual.ColumnIndex).ToArray();
        if (byName.All(i => i >= 0))
        {
            return byName;
        }

        var samePlaces = byName.Select((found, position) => found < 0 || found == position).All(same => same);
        return actual.Columns.Count == expected.Columns.Count && samePlaces ? [.. Enumerable.Range(0, expected.Columns.Count)] : null;
    }

    private static string Key(string?[] row) => string.Join("\u001f", row.Select(v => v ?? "\u0000"));

    private static string Show(List<string?[]> rows) =>
        string.Join(" ", rows.Take(Examples).Select(r => "(" + string.Join(", ", r.Select(v => v ?? "NULL")) + ")")) + (rows.Count > Examples ? " …" : "");
}
