using Npgsql;

namespace MediAI.Coordinator.Scale;

/// <summary>
/// Generated data lives apart from the 20-patient seed that Parts 1–4 and the checker use: schema
/// lab_scale, the same four tables, distributed and co-located with the seed's (so each country's
/// rows are at its site). "Reset lab data" drops it; a student's own views are untouched.
/// </summary>
public static class ScaleStore
{
    public const string Schema = "lab_scale";

    public static readonly string[] Tables = ["patients", "medicalrecords", "trainingdata", "transactions"];

    public const string DropSql = $"DROP SCHEMA IF EXISTS {Schema} CASCADE";

    /// <summary>Fresh, empty tables (a new load replaces the previous one), placed as the seed's are.</summary>
    public static async Task CreateAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        var statements = new List<string> { DropSql, $"CREATE SCHEMA {Schema}" };
        foreach (var table in Tables)
        {
            // The seed's columns and checks; no serial defaults (the generator gives every id).
            statements.Add($"CREATE TABLE {Schema}.{table} (LIKE public.{table} INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        }

        statements.Add($"SELECT create_distributed_table('{Schema}.patients', 'country', colocate_with => 'patients')");
        statements.Add($"SELECT create_distributed_table('{Schema}.medicalrecords', 'country', colocate_with => 'patients')");
        statements.Add($"SELECT create_distributed_table('{Schema}.transactions', 'country', colocate_with => 'patients')");
        statements.Add($"SELECT create_distributed_table('{Schema}.trainingdata', 'siteorigin', colocate_with => 'trainingdata')");
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, coordinator);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Rows per generated table.</summary>
    public static async Task<Dictionary<string, long>> CountsAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Schema}.{table}", coordinator);
            counts[table] = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return counts;
    }
}
