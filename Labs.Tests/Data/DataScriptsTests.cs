using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Data;

/// <summary>
/// data/*.sql on a real PostgreSQL, loaded with psql -f exactly as the handout does by hand.
/// </summary>
public sealed class DataScriptsTests(PlainServer plain)
{
    private async Task<string> LoadedDatabaseAsync()
    {
        var database = await plain.CreateDatabaseAsync("data");
        await PsqlAsync(database, "schema-mediAI.sql");
        await PsqlAsync(database, "seed-mediAI.sql");
        return database;
    }

    private async Task PsqlAsync(string database, string script)
    {
        var start = new ProcessStartInfo("psql",
            ["-h", "127.0.0.1", "-p", plain.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-f", Path.Combine(Installations.DataDir, script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using var psql = Process.Start(start)!;
        var stderr = psql.StandardError.ReadToEndAsync();
        await psql.StandardOutput.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0, $"psql -f {script} failed: {await stderr}");
    }

    private Task<List<object[]>> QueryAsync(string database, string sql) => plain.Server.QueryAsync(database, sql);

    private const string HandoutCountQuery =
        "SELECT 'Patients' AS t, COUNT(*) FROM Patients UNION ALL SELECT 'MedicalRecords', COUNT(*) FROM MedicalRecords " +
        "UNION ALL SELECT 'TrainingData', COUNT(*) FROM TrainingData UNION ALL SELECT 'Transactions', COUNT(*) FROM Transactions;";

    [Fact]
    public async Task The_handout_count_query_gives_20_14_13_18()
    {
        var database = await LoadedDatabaseAsync();
        var counts = (await QueryAsync(database, HandoutCountQuery)).ToDictionary(r => (string)r[0], r => (long)r[1]);
        Assert.Equal(new Dictionary<string, long>
        {
            ["Patients"] = 20,
            ["MedicalRecords"] = 14,
            ["TrainingData"] = 13,
            ["Transactions"] = 18,
        }, counts);
    }

    [Fact]
    public async Task Patient_16_is_Yuki_Tanaka_from_Japan_at_Tokyo()
    {
        var database = await LoadedDatabaseAsync();
        var row = Assert.Single(await QueryAsync(database, "SELECT name, country, siteOrigin FROM Patients WHERE idPatient = 16"));
        Assert.Equal(["Yuki Tanaka", "Japan", "Tokyo"], row);
    }

    [Fact]
    public async Task Mohamed_Benali_has_medical_records_found_by_the_handout_join()
    {
        var database = await LoadedDatabaseAsync();
        var rows = await QueryAsync(database, """
            SELECT p.name, p.country, mr.aiModelUsed
            FROM Patients p JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
            WHERE p.name = 'Mohamed Benali' ORDER BY mr.date DESC
            """);
        Assert.True(rows.Count >= 2, $"expected at least 2 records, got {rows.Count}");
        Assert.All(rows, r => Assert.Equal("Tunisia", r[1]));
    }

    [Fact]
    public async Task France_query_of_the_handout_returns_five_French_patients()
    {
        var database = await LoadedDatabaseAsync();
        var rows = await QueryAsync(database, "SELECT name, country, siteOrigin FROM Patients WHERE country = 'France' LIMIT 5");
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(["France", "Paris"], r[1..]));
    }

    [Fact]
    public async Task Exercise_3_2_starts_with_the_handout_rows()
    {
        var database = await LoadedDatabaseAsync();
        var rows = await QueryAsync(database, """
            SELECT p.siteOrigin, mr.aiModelUsed, COUNT(*) AS nb_exams, ROUND(AVG(mr.aiScore)::numeric,4) AS avg_score
            FROM MedicalRecords mr JOIN Patients p ON p.idPatient = mr.idPatient AND p.country = mr.country
            GROUP BY p.siteOrigin, mr.aiModelUsed ORDER BY avg_score DESC
            """);
        var top = rows.Take(2).Select(r => $"{r[0]}|{r[1]}|{r[2]}|{r[3]}").Order().ToList();
        Assert.Equal(["Paris|DiagNet-3|1|0.9812", "Tunis|NephroAI-1|2|0.9812"], top);
        Assert.All(rows.Skip(2), r => Assert.True((decimal)r[3] < 0.9812m));
        Assert.Contains(rows, r => (string)r[1] == "DiagNet-3");
        Assert.Contains(rows, r => (string)r[1] == "NephroAI-1");
    }

    [Fact]
    public async Task Schema_and_seed_run_twice_leave_exactly_the_seeded_state()
    {
        var database = await LoadedDatabaseAsync();
        await using (var connection = await plain.Server.OpenAsync(database))
        {
            // What a student's Part 4 leaves behind.
            await using var insert = new NpgsqlCommand(
                "INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion) " +
                "VALUES (16, 'Japan', NOW()::DATE, 'Emergency consultation', 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2')",
                connection);
            await insert.ExecuteNonQueryAsync();
        }

        await PsqlAsync(database, "schema-mediAI.sql");
        await PsqlAsync(database, "seed-mediAI.sql");
        var counts = (await QueryAsync(database, HandoutCountQuery)).Select(r => (long)r[1]).ToList();
        Assert.Equal([20L, 14L, 13L, 18L], counts);
    }

    [Fact]
    public async Task The_handout_part_4_inserts_fit_the_schema()
    {
        var database = await LoadedDatabaseAsync();
        await using var connection = await plain.Server.OpenAsync(database);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
            VALUES (16, 'Japan', NOW()::DATE, 'Emergency consultation', 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2');
            INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
            VALUES (16, 'Japan', NOW(), 'consultation', 15000, 'JPY', 'pending');
            """, connection);
        Assert.Equal(2, await insert.ExecuteNonQueryAsync());
        await transaction.RollbackAsync();
    }
}
