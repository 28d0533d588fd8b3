using System.Diagnostics;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Scale;

/// <summary>What a generation loaded: rows per table and per country, and how fast.</summary>
public sealed record ScaleResult(ScaleParameters Parameters, IReadOnlyDictionary<string, long> Rows, IReadOnlyDictionary<string, int> PatientsByCountry, double Seconds, double RowsPerSecond);

/// <summary>
/// The data generator (a job: POST /jobs/data-generator {"patients": 1000000, "seed": 1, "skewed": false}):
/// fresh lab_scale tables, then each country's rows streamed with COPY through the coordinator,
/// the four countries in parallel. A generation that fails or is cancelled leaves none of its rows
/// (its cleanup drops lab_scale); one that succeeds stays until the next one or a reset.
/// </summary>
public sealed class DataGenerator(ScaleParameters parameters, LabClusterOptions lab) : ILabJob
{
    private const int ReportEvery = 20_000;

    /// <summary>Each country's share of the patients: even, or deliberately uneven (France holds most).</summary>
    private static readonly double[] SkewedShares = [0.55, 0.15, 0.20, 0.10];

    private bool _succeeded;

    public string Description => $"a generation of {parameters.Patients:N0} patients (seed {parameters.Seed}{(parameters.Skewed ? ", skewed" : "")})";

    private string Coordinator => new NpgsqlConnectionStringBuilder(lab.ConnectionString(lab.Coordinator, LabSites.Database))
    {
        Pooling = false,
        ApplicationName = "mediai-generator",
        CommandTimeout = 0,
    }.ConnectionString;

    public static int[] PatientsPerCountry(ScaleParameters parameters)
    {
        var sites = LabSites.All.Count;
        var shares = parameters.Skewed ? SkewedShares : [.. Enumerable.Repeat(1.0 / sites, sites)];
        var counts = shares.Select(s => (int)(parameters.Patients * s)).ToArray();
        counts[0] += parameters.Patients - counts.Sum(); // the rounding's remainder, at the first site
        return counts;
    }

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        await using (var coordinator = new NpgsqlConnection(Coordinator))
        {
            await coordinator.OpenAsync(cancellationToken);
            await CitusRequiredException.ThrowIfMissingAsync(coordinator, "The data generator (rows placed at each country's site)", cancellationToken);
            progress.Report(0, 1, "creating lab_scale's tables");
            await ScaleStore.CreateAsync(coordinator, cancellationToken);
        }

        var perCountry = PatientsPerCountry(parameters);
        var total = perCountry.Sum(n => n + CountryRows.Count(n, CountryRows.RecordsPerPatient) + CountryRows.Count(n, CountryRows.TrainingPerPatient) + CountryRows.Count(n, CountryRows.TransactionsPerPatient));
        long done = 0;
        var clock = Stopwatch.StartNew();
        void Advance(int rows, string step) => progress.Report(Interlocked.Add(ref done, rows), total, step);

        // One COPY stream per country: Citus routes each country's rows to the shard at its site.
        await Task.WhenAll(LabSites.All.Select((site, i) => LoadCountryAsync(site, new CountryRows(site, i, perCountry[i], parameters.Seed), Advance, cancellationToken)));

        await using var check = new NpgsqlConnection(Coordinator);
        await check.OpenAsync(cancellationToken);
        var rows = await ScaleStore.CountsAsync(check, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        progress.Log($"{rows.Values.Sum():N0} rows in {seconds:0.0} s ({rows.Values.Sum() / seconds:N0} rows/s)");
        _succeeded = true;
        return new ScaleResult(parameters, rows, LabSites.All.Select((s, i) => (s.Country, perCountry[i])).ToDictionary(p => p.Country, p => p.Item2), seconds, rows.Values.Sum() / seconds);
    }

    private async Task LoadCountryAsync(LabSite site, CountryRows rows, Action<int, string> advance, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Coordinator);
        await connection.OpenAsync(cancellationToken);
        foreach (var (table, columns, lines) in new (string, string, IEnumerable<string>)[]
        {
            ("patients", "idpatient, name, age, city, country, siteorigin", rows.Patients()),
            ("medicalrecords", "idrecord, idpatient, country, date, examtype, result, aimodelused, aiscore, aiversion", rows.MedicalRecords()),
            ("trainingdata", "iddata, siteorigin, examtype, features, label, aimodelused, collectedon", rows.TrainingData()),
            ("transactions", "idtrans, idpatient, country, date, type, amount, currency, status", rows.Transactions()),
        })
        {
            await using var copy = await connection.BeginTextImportAsync($"COPY {ScaleStore.Schema}.{table} ({columns}) FROM STDIN", cancellationToken);
            var since = 0;
            foreach (var line in lines)
            {
                await copy.WriteLineAsync(line.AsMemory(), cancellationToken);
                if (++since == ReportEvery)
                {
                    advance(since, $"{site.City}: {table}");
                    since = 0;
                }
            }

            advance(since, $"{site.City}: {table}");
        }
    }

    /// <summary>A generation that did not finish leaves nothing: its half-loaded tables go.</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        if (_succeeded)
        {
            return;
        }

        await using var coordinator = new NpgsqlConnection(Coordinator);
        await coordinator.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand(ScaleStore.DropSql, coordinator);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>POST /jobs/data-generator.</summary>
public sealed class DataGeneratorFactory(IOptions<LabClusterOptions> lab) : ILabJobFactory
{
    public const string JobKind = "data-generator";

    public string Kind => JobKind;

    public ILabJob? Create(System.Text.Json.JsonElement? parameters, Dictionary<string, string[]> errors) =>
        ScaleParameters.From(parameters, errors) is { } valid ? new DataGenerator(valid, lab.Value) : null;
}
