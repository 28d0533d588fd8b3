using System.Globalization;
using Npgsql;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// Rows as psql prints them: every value in PostgreSQL's text form (numbers, dates, regclass names),
/// so a student's result and the expected one compare the way they read.
/// </summary>
public sealed record ResultSet(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)
{
    public const int MaxRows = 1000;

    public static async Task<ResultSet?> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        command.AllResultTypesAreUnknown = true;
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (reader.FieldCount == 0)
        {
            return null;
        }

        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(ct) && rows.Count < MaxRows)
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Normalize(reader.GetString(i))).ToArray());
        }

        return new ResultSet(columns, rows);
    }

    /// <summary>0.98120000 and 0.9812 are the same answer; char(3) padding is not part of it.</summary>
    private static string Normalize(string value)
    {
        var text = value.TrimEnd();
        return text.Contains('.') && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number.ToString("G29", CultureInfo.InvariantCulture)
            : text;
    }

    public int ColumnIndex(string name) => Columns.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
}
