using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>
/// The campaign's own accounts, apart from the MediAI data: schema lab_campaign, distributed by
/// country and co-located with Patients (so each country's accounts live at its site). A campaign
/// starts it afresh; it stays for a look afterwards and goes with "Reset lab data".
/// </summary>
public static class CampaignStore
{
    public const string Schema = "lab_campaign";
    public const int AccountsPerSite = 5;
    public const decimal OpeningBalance = 1_000m;

    public static decimal InitialTotal => LabSites.All.Count * AccountsPerSite * OpeningBalance;

    public static async Task CreateAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        var countries = string.Join(", ", LabSites.All.Select(s => $"'{s.Country}'"));
        foreach (var sql in new[]
        {
            $"DROP SCHEMA IF EXISTS {Schema} CASCADE",
            $"CREATE SCHEMA {Schema}",
            $"CREATE TABLE {Schema}.accounts (country text NOT NULL, id int NOT NULL, balance numeric NOT NULL, PRIMARY KEY (country, id))",
            $"CREATE TABLE {Schema}.legs (transfer_id bigint NOT NULL, country text NOT NULL, delta numeric NOT NULL)",
            $"SELECT create_distributed_table('{Schema}.accounts', 'country', colocate_with => 'patients')",
            $"SELECT create_distributed_table('{Schema}.legs', 'country', colocate_with => 'patients')",
            $"INSERT INTO {Schema}.accounts SELECT c, i, {OpeningBalance} FROM unnest(ARRAY[{countries}]) AS c, generate_series(1, {AccountsPerSite}) AS i",
        })
        {
            await using var command = new NpgsqlCommand(sql, coordinator);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>For "Reset lab data": the campaign's tables go with the rest of what the lab made.</summary>
    public const string DropSql = $"DROP SCHEMA IF EXISTS {Schema} CASCADE";
}
