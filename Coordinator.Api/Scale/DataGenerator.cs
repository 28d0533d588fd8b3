using System.Diagnostics;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
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
    private bool _created;
    private JobProgress? _progress;

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

    /// <summary>
    /// The nodes' disks must keep <see cref="LabClusterOptions.KeepFreeDiskMegabytes"/> free after
    /// taking their shares (skewed: Paris takes 55%). Asked before anything changes (422 otherwise).
    /// </summary>
    public Task<string?> RefusalAsync(CancellationToken cancellationToken) =>
        FreeDisk.ShortfallAsync(lab, PatientsPerCountry(parameters), cancellationToken);

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        _progress = progress;
        await using (var coordinator = new NpgsqlConnection(Coordinator))
        {
            await coordinator.OpenAsync(cancellationToken);
            await CitusRequiredException.ThrowIfMissingAsync(coordinator, "The data generator (rows placed at each country's site)", cancellationToken);
            progress.Report(0, 1, "creating lab_scale's tables");
            // From here on the previous generation is gone: a failure removes this one whole.
            _created = true;
            await ScaleStore.CreateAsync(coordinator, parameters, cancellationToken);
        }

        var perCountry = PatientsPerCountry(parameters);
        var total = perCountry.Sum(n => n + CountryRows.Count(n, CountryRows.RecordsPerPatient) + CountryRows.Count(n, CountryRows.TrainingPerPatient) + CountryRows.Count(n, CountryRows.TransactionsPerPatient));
        long done = 0;
        var clock = Stopwatch.StartNew();
        void Advance(int rows, string step) => progress.Report(Interlocked.Add(ref done, rows), total, step);

        // One COPY stream per country: Citus routes each country's rows to the shard at its site.
        // The first stream that fails stops the others: the load is dropped whole anyway.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loads = LabSites.All.Select(async (site, i) =>
        {
            try
            {
                await LoadCountryAsync(site, new CountryRows(site, i, perCountry[i], parameters.Seed), Advance, failed.Token);
            }
            // Only the first stream to fail (the others then stop because of it, and are not to blame).
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested && !failed.IsCancellationRequested)
            {
                var message = $"{site.City}'s rows could not be loaded: {lab.NameSites(e.Message)}. Is the {site.City} node running, and its link healed? "
                    + "Nothing of this generation is kept; start it again once the site is back.";
                progress.Log(message);
                await failed.CancelAsync();
                throw new GenerationFailedException(message, e);
            }
        }).ToList();
        try
        {
            await Task.WhenAll(loads);
        }
        catch (Exception) when (loads.Select(t => t.Exception?.InnerException).OfType<GenerationFailedException>().FirstOrDefault() is { } first)
        {
            // The site that failed, not a stream the failure stopped.
            throw first;
        }

        await using var check = new NpgsqlConnection(Coordinator);
        await check.OpenAsync(cancellationToken);
        await ScaleStore.FinishAsync(check, cancellationToken);
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

    /// <summary>
    /// A generation that did not finish leaves nothing: its half-loaded tables go. Dropping them
    /// needs every site (Citus drops each shard where it lives), so while a site is down the drop
    /// is tried again until it works or the runner's cleanup time runs out (then a reset removes them).
    /// </summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        if (_succeeded || !_created)
        {
            return; // a success stays; a job refused or failed before it created anything changed nothing
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var coordinator = new NpgsqlConnection(Coordinator);
                await coordinator.OpenAsync(cancellationToken);
                await using var drop = new NpgsqlCommand(ScaleStore.DropSql, coordinator);
                await drop.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    _progress?.Log($"Removing the half-loaded rows waits for every site: {lab.NameSites(e.Message)}");
                }

                // Citus keeps a broken link to a node that was down: a new session next time.
                NpgsqlConnection.ClearAllPools();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    throw new InvalidOperationException(
                        $"lab_scale is half-loaded and could not be removed: {lab.NameSites(e.Message)}. Heal or start that site, then 'Reset lab data' (or generate again): either removes it.", e);
                }
            }
        }
    }
}

/// <summary>A country's stream failed: the message names the site and what to do.</summary>
public sealed class GenerationFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>POST /jobs/data-generator.</summary>
public sealed class DataGeneratorFactory(IOptions<LabClusterOptions> lab) : ILabJobFactory
{
    public const string JobKind = "data-generator";

    public string Kind => JobKind;

    public ILabJob? Create(System.Text.Json.JsonElement? parameters, Dictionary<string, string[]> errors) =>
        ScaleParameters.From(parameters, errors) is { } valid ? new DataGenerator(valid, lab.Value) : null;
}
