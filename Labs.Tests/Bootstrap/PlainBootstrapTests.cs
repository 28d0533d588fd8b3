using MediAI.Coordinator.Bootstrap;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MediAI.Labs.Tests.Bootstrap;

/// <summary>A server of their own: these tests own its mediAI database.</summary>
public sealed class BootstrapServer : IAsyncLifetime
{
    public TestPostgres Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestPostgres.StartAsync(Installations.Plain, "bootstrap");

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// The bootstrap on plain PostgreSQL (no Citus): one server plays the four sites, as a local lab
/// without Citus does.
/// </summary>
public sealed class PlainBootstrapTests(BootstrapServer fixture) : IClassFixture<BootstrapServer>, IAsyncLifetime
{
    private static readonly long[] Seeded = [20, 14, 13, 18];

    private TestPostgres Server => fixture.Server;

    private ClusterBootstrapper Bootstrapper(string? dataDir = null, TestPostgres? tokyo = null) =>
        new(LabConfig.For([Server, Server, Server, tokyo ?? Server], dataDir), NullLogger<ClusterBootstrapper>.Instance);

    public async ValueTask InitializeAsync()
    {
        await using var connection = await Server.OpenAsync();
        await using var drop = new NpgsqlCommand("DROP DATABASE IF EXISTS \"mediAI\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        // Pooled connections to the dropped database are dead now.
        NpgsqlConnection.ClearAllPools();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<long[]> CountsAsync()
    {
        await using var connection = await Server.OpenAsync("mediAI");
        var counts = new List<long>();
        foreach (var table in ClusterBootstrapper.Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts.Add((long)(await command.ExecuteScalarAsync())!);
        }

        return [.. counts];
    }

    [Fact]
    public async Task Loads_schema_and_seed_then_a_second_run_changes_nothing()
    {
        var first = await Bootstrapper().RunAsync(CancellationToken.None);
        Assert.False(first.Citus);
        Assert.True(first.Seeded);
        Assert.Equal(Seeded, await CountsAsync());

        await using (var connection = await Server.OpenAsync("mediAI"))
        await using (var change = new NpgsqlCommand("UPDATE Patients SET age = age + 1 WHERE idPatient = 1", connection))
        {
            await change.ExecuteNonQueryAsync();
        }

        var second = await Bootstrapper().RunAsync(CancellationToken.None);
        Assert.False(second.Seeded);
        Assert.Equal(Seeded, await CountsAsync());
        await using var check = await Server.OpenAsync("mediAI");
        await using var age = new NpgsqlCommand("SELECT age FROM Patients WHERE idPatient = 1", check);
        var kept = (int)(await age.ExecuteScalarAsync())!;
        Assert.True(kept > 0, "a second start must keep the student's changes");
    }

    [Fact]
    public async Task A_seed_that_fails_half_way_leaves_no_rows_and_names_the_site_and_sqlstate()
    {
        var broken = Directory.CreateTempSubdirectory("mediai-data-").FullName;
        foreach (var file in Directory.GetFiles(Installations.DataDir, "*.sql"))
        {
            File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
        }

        // A bad last statement: everything before it must be rolled back.
        await File.AppendAllTextAsync(Path.Combine(broken, "seed-mediAI.sql"),
            "\nINSERT INTO Patients (idPatient, name, age, city, country, siteOrigin) VALUES (99, 'X', 30, 'Nowhere', 'Atlantis', 'Paris');\n");

        var error = await Assert.ThrowsAsync<SiteException>(() => Bootstrapper(broken).RunAsync(CancellationToken.None));
        Assert.Equal("Paris", error.City);
        Assert.Contains("23514", error.Message); // check_violation
        Assert.Contains("seed-mediAI.sql", error.Message);
        Assert.Equal(new long[] { 0, 0, 0, 0 }, await CountsAsync());

        // A retry with the good scripts recovers.
        var retry = await Bootstrapper().RunAsync(CancellationToken.None);
        Assert.True(retry.Seeded);
        Assert.Equal(Seeded, await CountsAsync());
        Directory.Delete(broken, recursive: true);
    }

    [Fact]
    public async Task A_site_that_is_down_is_named()
    {
        var tokyo = await TestPostgres.StartAsync(Installations.Plain, "tokyo");
        await tokyo.StopAsync();
        var error = await Assert.ThrowsAsync<SiteException>(() => Bootstrapper(tokyo: tokyo).RunAsync(CancellationToken.None));
        Assert.Equal("Tokyo", error.City);
        Assert.Contains("down or unreachable", error.Message);
        await tokyo.DisposeAsync();
    }

    [Fact]
    public async Task Reset_puts_back_the_seeded_rows()
    {
        await Bootstrapper().RunAsync(CancellationToken.None);
        await using (var connection = await Server.OpenAsync("mediAI"))
        await using (var damage = new NpgsqlCommand("DELETE FROM MedicalRecords; DELETE FROM Patients WHERE country = 'Japan'", connection))
        {
            await damage.ExecuteNonQueryAsync();
        }

        var counts = await Bootstrapper().ResetDataAsync(CancellationToken.None);
        Assert.Equal(20, counts["Patients"]);
        Assert.Equal(Seeded, await CountsAsync());
    }
}
