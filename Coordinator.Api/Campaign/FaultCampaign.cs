using System.Diagnostics;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Jobs;
using MediAI.Coordinator.Transactions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Campaign;

/// <summary>What a campaign found: the invariants' verdict, its tallies, and the history it checked.</summary>
public sealed record CampaignResult(
    CampaignParameters Parameters,
    int Transactions,
    int Faults,
    IReadOnlyDictionary<string, int> FaultsByKind,
    int InDoubtBeforeRecovery,
    double ResolutionMedianMs,
    double ResolutionMaxMs,
    InvariantReport Invariants,
    IReadOnlyList<TransferAttempt> History,
    ReadersReport Readers)
{
    /// <summary>Its number in the history kept until the next reset (GET /campaigns/{id}, and /chart).</summary>
    public long CampaignId { get; init; }
}

/// <summary>
/// A fault campaign (a job: one at a time, progress, cancel): N seeded transfers between accounts at
/// two sites, a seeded fault at one of the two sites for some of them, healed after each; then every
/// fault healed, recovery run and timed until nothing is prepared anywhere, and the history checked
/// against what the sites hold (<see cref="InvariantChecker"/>).
/// </summary>
public sealed class FaultCampaign(CampaignParameters parameters, LabClusterOptions lab, AgentClient agents, AgentNodeClient nodes, Action retirePooledBackends) : ILabJob
{
    private static readonly TimeSpan ResolutionLimit = TimeSpan.FromSeconds(60);

    public string Description => $"a fault campaign of {parameters.Transactions} transfers (fault rate {parameters.FaultRate:0.##}, seed {parameters.Seed}" +
        (parameters.Faults is { } only ? $", faults {only}" : "") + (parameters.Readers > 0 ? $", {parameters.Readers} readers, {parameters.ReadStrategy}" : "") + ")";

    public Task<string?> RefusalAsync(CancellationToken cancellationToken) => Task.FromResult(lab.NoAgentsRefusal("The fault campaign")
        ?? (parameters.FaultRate > 0 && CampaignFaults.For(!lab.External, parameters.FaultKinds).Count == 0
            ? $"None of the fault kinds asked for ({parameters.Faults}) can run on an existing cluster: its nodes are not the lab's to kill. Ask for others, or none (fault rate 0)."
            : null));

    private string Coordinator(bool pooled = true) =>
        new NpgsqlConnectionStringBuilder(lab.ConnectionString(lab.Coordinator, LabSites.Database))
        {
            // One backend per transfer: a fault that breaks Citus's cached links in one transfer does not leak into the next.
            Pooling = pooled,
            ApplicationName = "mediai-campaign",
            Timeout = 10,
            CommandTimeout = 60,
            // A transfer never waits long: not behind a lock, not on a statement (the job stays cancellable).
            Options = "-c lock_timeout=5000 -c statement_timeout=30000",
        }.ConnectionString;

    public async Task<object?> RunAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        await using (var coordinator = new NpgsqlConnection(Coordinator()))
        {
            await coordinator.OpenAsync(cancellationToken);
            await CitusRequiredException.ThrowIfMissingAsync(coordinator, "A fault campaign (distributed transfers between sites)", cancellationToken);

            progress.Report(0, parameters.Transactions, "creating the campaign's accounts");
            await CampaignStore.CreateAsync(coordinator, cancellationToken);
        }

        var random = new Random(parameters.Seed);
        var history = new List<TransferAttempt>(parameters.Transactions);
        var resolutions = new List<TimeSpan>();
        var sites = LabSites.All;
        var menu = CampaignFaults.For(nodeKills: !lab.External, parameters.FaultKinds);

        // The readers, while the transfers run: each read is tallied under the transfer in flight when it began.
        var during = 0L;
        var strategy = ReadStrategy.Find(parameters.ReadStrategy)!;
        var reads = new System.Collections.Concurrent.ConcurrentQueue<LegsRead>();
        using var readersStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = Enumerable.Range(0, parameters.Readers)
            .Select(_ => Task.Run(() => CampaignReader.RunAsync(Coordinator(), strategy, () => Interlocked.Read(ref during), reads, readersStop.Token), CancellationToken.None))
            .ToList();
        var transfersClock = Stopwatch.StartNew();
        try
        {
            await TransfersAsync();
        }
        finally
        {
            await readersStop.CancelAsync();
            await Task.WhenAll(readers);
        }

        async Task TransfersAsync()
        {
            for (var id = 1L; id <= parameters.Transactions; id++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Exchange(ref during, id);
                var from = sites[random.Next(sites.Count)];
                var to = sites.Where(s => s != from).ElementAt(random.Next(sites.Count - 1));
                var (fromAccount, toAccount) = (random.Next(1, CampaignStore.AccountsPerSite + 1), random.Next(1, CampaignStore.AccountsPerSite + 1));
                var amount = random.Next(1, 51);
                var fault = random.NextDouble() < parameters.FaultRate ? menu[random.Next(menu.Count)] : null;
                var faulted = random.Next(2) == 0 ? from : to;
                var request = fault?.Request(random);
                if (request is not null)
                {
                    await agents.AddFaultAsync(faulted, request, cancellationToken);
                }

                var (outcome, number) = await Transfer.RunAsync(Coordinator(pooled: false), id, from, fromAccount, to, toAccount, amount, strategy.Journal, cancellationToken);
                var inDoubt = false;
                if (request is not null)
                {
                    // Healed at once, then recovered at once: a transaction left prepared holds its rows'
                    // locks, and every later transfer touching them would block behind it (2PC's blocking).
                    await agents.HealAsync(faulted, cancellationToken);
                    if (fault!.Kills != CampaignFaults.Kills.Nothing)
                    {
                        // A crash may have fired or not (the transfer may have failed before its moment): start is idempotent.
                        await nodes.StartAsync(fault.Kills == CampaignFaults.Kills.Coordinator ? LabSites.Coordinator : faulted, cancellationToken);
                        // The coordinator's crash ended every pooled session of the API too.
                        retirePooledBackends();
                    }

                    var waiting = await PreparedAsync(cancellationToken);
                    inDoubt = number is { } n && waiting.Any(p => Transfer.NumberOf(p.Gid) == n);
                    if (waiting.Count > 0)
                    {
                        resolutions.Add(await ResolveAsync(cancellationToken));
                    }
                }

                var kind = fault?.Name ?? CampaignFaults.None;
                history.Add(new TransferAttempt(id, from.Name, to.Name, amount, outcome, kind, inDoubt));
                progress.Report(id, parameters.Transactions, $"transfer {id}: {from.City} → {to.City}, {(fault is null ? "no fault" : $"{kind} at {faulted.City}")}: {outcome}");
            }
        }

        // Whatever is left: heal everything, recover, and check against what the sites now hold.
        await HealAllAsync(cancellationToken);
        progress.Report(parameters.Transactions, parameters.Transactions, "recovering, then checking the invariants");
        if ((await PreparedAsync(cancellationToken)).Count > 0)
        {
            resolutions.Add(await ResolveAsync(cancellationToken));
        }

        var left = await PreparedAsync(cancellationToken);
        var sorted = resolutions.Select(r => r.TotalMilliseconds).Order().ToList();
        var report = InvariantChecker.Check(history, await ObserveAsync(left, cancellationToken));
        var seen = parameters.Readers == 0 ? ReadersReport.None : FracturedReads.Tally(parameters.Readers, parameters.ReadStrategy, [.. reads], history, transfersClock.Elapsed.TotalSeconds);
        progress.Log($"{history.Count} transfers, {history.Count(t => t.FaultKind != CampaignFaults.None)} faults, {report.Violations.Count} violations, " +
            $"{resolutions.Count} recoveries (median {Median(sorted):0} ms, max {sorted.LastOrDefault():0} ms)" +
            (parameters.Readers == 0 ? "" : $"; {seen.Reads} reads, {seen.Fractured} fractured, {seen.Errors} failed"));
        var result = new CampaignResult(
            parameters,
            history.Count,
            history.Count(t => t.FaultKind != CampaignFaults.None),
            history.Where(t => t.FaultKind != CampaignFaults.None).GroupBy(t => t.FaultKind).ToDictionary(g => g.Key, g => g.Count()),
            history.Count(t => t.InDoubtBeforeRecovery),
            Median(sorted),
            sorted.LastOrDefault(),
            report,
            history,
            seen);

        // Kept until the next reset: a student compares campaigns, and the chart reads it from here.
        await using var store = new NpgsqlConnection(Coordinator(pooled: false));
        await store.OpenAsync(cancellationToken);
        var kept = await CampaignStore.SaveAsync(store, System.Text.Json.JsonSerializer.Serialize(result, Report), cancellationToken);
        progress.Log($"Kept as campaign {kept}: its chart is at /campaigns/{kept}/chart on the coordinator API");
        return result with { CampaignId = kept };
    }

    /// <summary>As the API answers it (camelCase).</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Report = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static double Median(List<double> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];

    /// <summary>Recovery, repeated until nothing is prepared at any site (or a minute): the time from heal to all resolved.</summary>
    private async Task<TimeSpan> ResolveAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            await RecoverAsync(cancellationToken);
        }
        while ((await PreparedAsync(cancellationToken)).Count > 0 && clock.Elapsed < ResolutionLimit);

        return clock.Elapsed;
    }

    /// <summary>Whatever happened: no fault stays at any site, nothing stays prepared.</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        await HealAllAsync(cancellationToken);
        await RecoverAsync(cancellationToken);
        retirePooledBackends(); // the API's sessions, whose cached links the faults broke (PooledBackends)
    }

    private async Task HealAllAsync(CancellationToken cancellationToken)
    {
        foreach (var site in LabSites.All)
        {
            await agents.HealAsync(site, cancellationToken);
            await nodes.StartAsync(site, cancellationToken);
        }
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var coordinator = new NpgsqlConnection(Coordinator(pooled: false));
        await coordinator.OpenAsync(cancellationToken);
        await using var recover = new NpgsqlCommand("SELECT recover_prepared_transactions()", coordinator);
        await recover.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>What waits prepared at every site; a site that does not answer makes the check impossible, not clean.</summary>
    private async Task<IReadOnlyList<PreparedLeft>> PreparedAsync(CancellationToken cancellationToken)
    {
        var (prepared, unreachable) = await PreparedTransactions.AtEverySiteAsync(lab, cancellationToken);
        if (unreachable.Count > 0)
        {
            throw new InvalidOperationException($"Cannot tell what waits in doubt: {string.Join(", ", unreachable)} did not answer. Is every node running?");
        }

        return [.. prepared.Select(p => new PreparedLeft(p.Site, p.Gid))];
    }

    private async Task<ObservedState> ObserveAsync(IReadOnlyList<PreparedLeft> left, CancellationToken cancellationToken)
    {
        await using var coordinator = new NpgsqlConnection(Coordinator());
        await coordinator.OpenAsync(cancellationToken);
        await using var total = new NpgsqlCommand($"SELECT coalesce(sum(balance), 0) FROM {CampaignStore.Schema}.accounts", coordinator);
        var finalTotal = (decimal)(await total.ExecuteScalarAsync(cancellationToken))!;
        var legs = new Dictionary<long, AppliedLegs>();
        await using var read = new NpgsqlCommand($"SELECT transfer_id, bool_or(delta < 0), bool_or(delta > 0) FROM {CampaignStore.Schema}.legs GROUP BY transfer_id", coordinator);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            legs[reader.GetInt64(0)] = new AppliedLegs(reader.GetBoolean(1), reader.GetBoolean(2));
        }

        return new ObservedState(CampaignStore.InitialTotal, finalTotal, legs, left);
    }
}

/// <summary>POST /jobs/fault-campaign {"transactions": 200, "faultRate": 0.5, "seed": 42}.</summary>
public sealed class FaultCampaignFactory(
    IOptions<LabClusterOptions> lab,
    AgentClient agents,
    AgentNodeClient nodes,
    PooledBackends pooled) : ILabJobFactory
{
    public const string JobKind = "fault-campaign";

    public string Kind => JobKind;

    public ILabJob? Create(System.Text.Json.JsonElement? parameters, Dictionary<string, string[]> errors) =>
        CampaignParameters.From(parameters, errors) is { } valid ? new FaultCampaign(valid, lab.Value, agents, nodes, pooled.Retire) : null;
}
