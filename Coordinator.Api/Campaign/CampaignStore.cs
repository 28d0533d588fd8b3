using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// The campaign's own accounts, apart from the MediAI data: schema lab_campaign, distributed by
/// country and co-located with Patients (so each country's accounts live at its site). A campaign
/// starts with fresh accounts; they stay for a look afterwards, and every campaign's report stays
/// in lab_campaign.campaigns, until "Reset lab data" drops the schema.
/// </summary>
public static class CampaignStore
{
    public const string Schema = "lab_campaign";
    public const int AccountsPerSite = 5;
    public const decimal OpeningBalance = 1_000m;

    public static decimal InitialTotal => LabSites.All.Count * AccountsPerSite * OpeningBalance;

    /// <summary>Fresh accounts for a new campaign; the history of earlier campaigns stays.</summary>
    public static async Task CreateAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        var countries = string.Join(", ", LabSites.All.Select(s => $"'{s.Country}'"));
        foreach (var sql in new[]
        {
            $"CREATE SCHEMA IF NOT EXISTS {Schema}",
            // A plain table on the coordinator: one row per campaign, its whole report as JSON.
            $"CREATE TABLE IF NOT EXISTS {Schema}.campaigns (id bigserial PRIMARY KEY, finished_at timestamptz NOT NULL DEFAULT now(), report jsonb NOT NULL)",
            $"DROP TABLE IF EXISTS {Schema}.accounts, {Schema}.legs, {Schema}.journal",
            $"CREATE TABLE {Schema}.accounts (country text NOT NULL, id int NOT NULL, balance numeric NOT NULL, PRIMARY KEY (country, id))",
            $"CREATE TABLE {Schema}.legs (transfer_id bigint NOT NULL, country text NOT NULL, delta numeric NOT NULL)",
            $"SELECT create_distributed_table('{Schema}.accounts', 'country', colocate_with => 'patients')",
            $"SELECT create_distributed_table('{Schema}.legs', 'country', colocate_with => 'patients')",
            // Both legs again, by transfer: one transfer's two rows in one shard (read strategy one-shard-group).
            $"CREATE TABLE {Schema}.journal (transfer_id bigint NOT NULL, country text NOT NULL, delta numeric NOT NULL)",
            $"SELECT create_distributed_table('{Schema}.journal', 'transfer_id', shard_count => 8, colocate_with => 'none')",
            $"INSERT INTO {Schema}.accounts SELECT c, i, {OpeningBalance} FROM unnest(ARRAY[{countries}]) AS c, generate_series(1, {AccountsPerSite}) AS i",
        })
        {
            await using var command = new NpgsqlCommand(sql, coordinator);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Keeps a finished campaign's report until the next reset; returns its number.</summary>
    public static async Task<long> SaveAsync(NpgsqlConnection coordinator, string reportJson, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {Schema}.campaigns (report) VALUES ($1::jsonb) RETURNING id", coordinator)
        {
            Parameters = { new() { Value = reportJson } },
        };
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>What a list of campaigns shows of each report, read in the database (a report holds every transfer).</summary>
    private const string Summary =
        "jsonb_build_object('transactions', report->'transactions', 'faults', report->'faults', 'seed', report->'parameters'->'seed', " +
        "'violations', jsonb_array_length(report->'invariants'->'violations'))";

    /// <summary>
    /// The campaigns kept since the last reset (none when no campaign ran): number, when, and the
    /// report as JSON text — whole, or only its <see cref="Summary"/>.
    /// </summary>
    public static async Task<IReadOnlyList<(long Id, DateTime FinishedAt, string Report)>> HistoryAsync(
        NpgsqlConnection coordinator, long? only, bool summary, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('{Schema}.campaigns') IS NOT NULL", coordinator);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return [];
        }

        await using var read = new NpgsqlCommand($"SELECT id, finished_at, {(summary ? Summary : "report")}::text FROM {Schema}.campaigns WHERE $1::bigint IS NULL OR id = $1 ORDER BY id", coordinator)
        {
            Parameters = { new() { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint } },
        };
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(long, DateTime, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>For "Reset lab data": the campaign's tables go with the rest of what the lab made.</summary>
    public const string DropSql = $"DROP SCHEMA IF EXISTS {Schema} CASCADE";
}
