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

    /// <summary>
    /// Fresh, empty tables (a new load replaces the previous one), placed as the seed's are, and the
    /// load's tag: lab_scale.generation (a table on the coordinator only) says what was asked and,
    /// once every row is in, when it finished. The checker grades Part 5 only on a finished one.
    /// </summary>
    public static async Task CreateAsync(NpgsqlConnection coordinator, ScaleParameters parameters, CancellationToken cancellationToken)
    {
        var statements = new List<string>
        {
            DropSql,
            $"CREATE SCHEMA {Schema}",
            $"CREATE TABLE {Schema}.generation (patients integer NOT NULL, seed integer NOT NULL, skewed boolean NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)",
            FormattableString.Invariant($"INSERT INTO {Schema}.generation (patients, seed, skewed) VALUES ({parameters.Patients}, {parameters.Seed}, {parameters.Skewed})"),
        };
        foreach (var table in Tables)
        {
            // The seed's columns and checks; no serial defaults (the generator gives every id).
            statements.Add($"CREATE TABLE {Schema}.{table} (LIKE public.{table} INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        }

        // The query API's read-only role reads them too (as the seed's tables: data/roles-mediAI.sql),
        // granted before they are distributed: create_distributed_table carries the grant to every
        // shard (granted after, Citus refuses a statement that touches Paris's own shards and the others').
        await using (var reader = new NpgsqlCommand($"SELECT 1 FROM pg_roles WHERE rolname = '{Core.Cluster.LabClusterOptions.ReaderRole}'", coordinator))
        {
            if (await reader.ExecuteScalarAsync(cancellationToken) is not null)
            {
                statements.Add($"GRANT USAGE ON SCHEMA {Schema} TO {Core.Cluster.LabClusterOptions.ReaderRole}");
                statements.Add($"GRANT SELECT ON ALL TABLES IN SCHEMA {Schema} TO {Core.Cluster.LabClusterOptions.ReaderRole}");
            }
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

    /// <summary>Every row is in: the tag says so.</summary>
    public static async Task FinishAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        await using var finish = new NpgsqlCommand($"UPDATE {Schema}.generation SET finished_at = now()", coordinator);
        await finish.ExecuteNonQueryAsync(cancellationToken);
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
