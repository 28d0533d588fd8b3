using System.Diagnostics;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Sessions;
using MediAI.Coordinator.Core.Sql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Bootstrap;

/// <summary>What a bootstrap found and did.</summary>
public sealed record BootstrapReport(bool Citus, string? CitusVersion, bool Seeded, IReadOnlyDictionary<string, long> RowCounts);

/// <summary>
/// Forms the lab's cluster from data/: the mediAI database and the citus extension on every
/// node, the schema, init-cluster.sql (nodes, distribution, placement), and the seed. Every step
/// checks before it acts, so a second run changes nothing and a failed run can simply be retried.
/// </summary>
public sealed class ClusterBootstrapper(IOptions<LabClusterOptions> options, ILogger<ClusterBootstrapper> logger)
{
    public static readonly ActivitySource Source = new("MediAI.Coordinator.Bootstrap");
    public static readonly string[] Tables = ["Patients", "MedicalRecords", "TrainingData", "Transactions"];

    /// <summary>
    /// Advisory-lock keys. Two bootstraps at once (a restart from the dashboard while one runs, a
    /// test suite, sites sharing one server) take turns instead of racing on CREATE EXTENSION or
    /// on forming the cluster; the second then finds everything done.
    /// </summary>
    private const long ExtensionLock = 0x4D65_6441_4901;
    private const long ClusterLock = 0x4D65_6441_4902;

    private readonly LabClusterOptions _lab = options.Value;

    public async Task<BootstrapReport> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("lab bootstrap");
        if (_lab.External)
        {
            await CheckSharedClusterAsync(cancellationToken);
        }

        Progress(_lab.Spares.Any() ? "preparing the four nodes and the spare" : "preparing the four nodes");
        var citusVersions = await PrepareAllNodesAsync(cancellationToken);
        var citus = citusVersions.All(v => v is not null);
        if (!citus && citusVersions.Any(v => v is not null))
        {
            throw new InvalidOperationException(
                "Some nodes have Citus and others do not: " +
                string.Join(", ", _lab.Nodes.Zip(citusVersions, (n, v) => $"{n.City}: {v ?? "no Citus"}")) +
                ". Use the same PostgreSQL installation for every node.");
        }

        await using var coordinator = await OpenAsync(_lab.Coordinator, LabSites.Database, cancellationToken);
        // Held until this connection closes, at the end of the bootstrap.
        await LockAsync(coordinator, ClusterLock, cancellationToken);
        await RunScriptAsync(coordinator, _lab.Coordinator, "schema-mediAI.sql", cancellationToken);

        var schemaOnly = string.Equals(_lab.Bootstrap, "schema", StringComparison.OrdinalIgnoreCase);
        if (!citus)
        {
            logger.LogWarning(
                "No Citus on these nodes: the lab runs as plain PostgreSQL, with the schema and data on {Coordinator}. " +
                "Parts needing Citus (distribution, shards, replication, distributed EXPLAIN, distributed 2PC) will fail; " +
                "run the lab with Docker, or install Citus 12.1 for this PostgreSQL.", _lab.Coordinator.City);
        }
        else if (!schemaOnly)
        {
            await RunScriptAsync(coordinator, _lab.Coordinator, "init-cluster.sql", cancellationToken, ClusterVariables());
            await SpareSites.RecordAsync(coordinator, _lab.Spares, cancellationToken);
            await ClearRebalanceLeftoversAsync(coordinator, cancellationToken);
            if (_lab.External)
            {
                // Adding the workers copied the coordinator's database settings to them (Citus syncs
                // pg_db_role_setting with its metadata): each node its own address again.
                foreach (var worker in _lab.Workers)
                {
                    await using var session = await OpenAsync(worker, LabSites.Database, cancellationToken);
                    await External.LocalHostname.SetForLabDatabaseAsync(session, cancellationToken);
                }
            }
        }

        var seeded = false;
        if (schemaOnly)
        {
            logger.LogInformation(
                "Bootstrap stopped after the schema (Lab:Bootstrap=schema): register the workers and distribute the tables " +
                "yourself (handout Part 1), then load data/seed-mediAI.sql. Worker addresses: {Workers}",
                string.Join(", ", _lab.Workers.Select(w => $"{w.City} = {w.ClusterHost}:{w.ClusterPort}")));
        }
        else if (await CountAsync(coordinator, "Patients", cancellationToken) == 0)
        {
            Progress("loading the seed data");
            await SeedAsync(coordinator, cancellationToken);
            seeded = true;
        }
        else
        {
            logger.LogInformation("Data already loaded: left as it is (the 'Reset lab data' command reloads the seed)");
        }

        // The query API's read-only role, last: its grants then reach every shard.
        await RunScriptAsync(coordinator, _lab.Coordinator, "roles-mediAI.sql", cancellationToken, [new("reader_password", _lab.Password)]);

        if (citus)
        {
            // Forming the cluster commits Citus's own metadata changes with 2PC. Automatic recovery is
            // off in the lab, so their commit records would stay in pg_dist_transaction, where
            // students look for theirs in Part 4: clear them now.
            await using var recover = new NpgsqlCommand("SELECT recover_prepared_transactions()", coordinator);
            await recover.ExecuteScalarAsync(cancellationToken);
        }

        var counts = await CountsAsync(coordinator, cancellationToken);

        logger.LogInformation("Rows: {Counts}", string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        // Short: the dashboard shows it in a narrow column (the progress row's Source).
        Progress($"done, {counts.Values.Sum()} rows");
        return new BootstrapReport(citus, citusVersions[0], seeded, counts);
    }

    /// <summary>
    /// On a cluster the lab shares (external mode): refuses, before changing anything, to destroy what
    /// it did not make (a mediAI database, a lab_reader role) unless --Lab:Overwrite=true, which drops
    /// such a database first.
    /// </summary>
    private async Task CheckSharedClusterAsync(CancellationToken cancellationToken)
    {
        External.BootstrapPlan plan;
        try
        {
            plan = await External.BootstrapPlan.ReadAsync(_lab, [], cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"The bootstrap could not read what the cluster holds of the lab, and changed nothing: {_lab.NameSites(e.Message)}", e);
        }

        if (plan.Refusals.Any())
        {
            throw new InvalidOperationException(plan.RefusalMessage() + Environment.NewLine +
                "See everything it would do, changing nothing: dotnet run --project Coordinator.Api -- plan --coordinator \"<the same connection string>\".");
        }

        if (_lab.Overwrite)
        {
            foreach (var node in await External.LabCleanup.DropForeignDatabasesAsync(_lab, plan.Holdings, cancellationToken))
            {
                logger.LogWarning("{Node}: dropped database {Database}, which the lab did not make (--Lab:Overwrite=true)", node, LabSites.Database);
            }

            if (External.LabObjects.ForeignRoles(plan.Holdings).Any())
            {
                logger.LogWarning("Taking over role {Role}, which the lab did not make (--Lab:Overwrite=true): its password becomes the lab's", LabClusterOptions.ReaderRole);
            }
        }
    }

    /// <summary>Puts the seeded data back, in one transaction: all of it or, on error, none.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ResetDataAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("lab reset");
        await using var coordinator = await OpenAsync(_lab.Coordinator, LabSites.Database, cancellationToken);
        await SeedAsync(coordinator, cancellationToken);
        // A fault campaign's accounts and history, and generated data, go too (they live apart from the MediAI data).
        foreach (var apart in new[] { Campaign.CampaignStore.DropSql, Scale.ScaleStore.DropSql })
        {
            await using var drop = new NpgsqlCommand(apart, coordinator);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await ClearRebalanceLeftoversAsync(coordinator, cancellationToken);
        }
        catch (SiteException e)
        {
            // The seed is back already; the optional spare being down must not make the reset look failed.
            logger.LogWarning("The lab data is reset, but {City} could not be given an empty database: {Problem}", e.City, e.Message);
        }

        var counts = await CountsAsync(coordinator, cancellationToken);

        return counts;
    }

    /// <summary>
    /// Leftovers of Part 5.5 go. A spare site outside the cluster that holds tables gets an empty database again. Citus drops a moved shard's
    /// old copy later (deferred cleanup); a node removed before that keeps the copy, and the next
    /// move onto it fails ("orphaned shard … could not be cleaned up"). Outside the cluster, the
    /// spare holds nothing anyone needs. One that is in the cluster (Part 5.5 under way) is left alone.
    /// </summary>
    private async Task ClearRebalanceLeftoversAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        await using var citus = new NpgsqlCommand("SELECT to_regclass('pg_catalog.pg_dist_node') IS NOT NULL", coordinator);
        if (await citus.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return;
        }

        // Cleanup records for a node that is no longer in the cluster (Dakar removed before Citus's
        // deferred cleanup ran) can never be carried out, and Citus then refuses every later move of
        // those shards ("orphaned shard … could not be cleaned up"): the node, and its copies, are gone.
        await using (var forget = new NpgsqlCommand("DELETE FROM pg_dist_cleanup WHERE node_group_id NOT IN (SELECT groupid FROM pg_dist_node)", coordinator))
        {
            if (await forget.ExecuteNonQueryAsync(cancellationToken) is > 0 and var forgotten)
            {
                logger.LogInformation("Forgot {Count} cleanup record(s) of nodes no longer in the cluster", forgotten);
            }
        }

        // Only when the cluster is the four sites and nothing else: a node other than theirs in
        // pg_dist_node may be a spare under another address (added by its direct port), and its
        // database may then hold the only copy of some shards.
        await using var alone = new NpgsqlCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_dist_node n WHERE NOT EXISTS (SELECT 1 FROM lab_sites l WHERE l.nodename = n.nodename AND l.nodeport = n.nodeport))",
            coordinator);
        if (!_lab.Spares.Any() || await alone.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return;
        }

        foreach (var spare in _lab.Spares)
        {
            // A spare that never joined holds nothing: no drop and second preparation at every start.
            if (!await HoldsTablesAsync(spare, cancellationToken))
            {
                continue;
            }

            try
            {
                await using (var postgres = await OpenAsync(spare, _lab.MaintenanceDatabase, cancellationToken))
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{LabSites.Database}\" WITH (FORCE)", postgres);
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }

                // The drop ended this process's pooled sessions in that database too: forget them.
                await using var pooled = new NpgsqlConnection(_lab.ConnectionString(spare, LabSites.Database));
                NpgsqlConnection.ClearPool(pooled);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw Fail(spare, e);
            }

            await PrepareNodeAsync(spare, cancellationToken);
        }
    }

    /// <summary>Whether the node's database holds any table (Citus's shells or shard copies, shards shown too) — a spare that joined once.</summary>
    private async Task<bool> HoldsTablesAsync(LabNodeOptions node, CancellationToken cancellationToken)
    {
        try
        {
            await using var mediai = await OpenAsync(node, LabSites.Database, cancellationToken);
            await using var batch = new NpgsqlBatch(mediai)
            {
                BatchCommands =
                {
                    new("SET citus.show_shards_for_app_name_prefixes = '*'"),
                    new("""
                        SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'citus', 'columnar', 'columnar_internal')
                                         AND n.nspname NOT LIKE 'pg\_%')
                        """),
                },
            };
            return await batch.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Fail(node, e);
        }
    }

    /// <summary>Rows per lab table.</summary>
    private static async Task<Dictionary<string, long>> CountsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            counts[table] = await CountAsync(connection, table, cancellationToken);
        }

        return counts;
    }

    private async Task SeedAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        logger.LogInformation("Loading seed-mediAI.sql in one transaction");
        await using var transaction = await coordinator.BeginTransactionAsync(cancellationToken);
        await TracePropagation.SetLocalTraceparentAsync(coordinator, cancellationToken);
        await RunScriptAsync(coordinator, _lab.Coordinator, "seed-mediAI.sql", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Prepares the nodes in parallel; when several fail, names every one of them.</summary>
    private async Task<string?[]> PrepareAllNodesAsync(CancellationToken cancellationToken)
    {
        var tasks = _lab.Nodes.Select(node => PrepareNodeAsync(node, cancellationToken)).ToList();
        try
        {
            return await Task.WhenAll(tasks);
        }
        catch (SiteException)
        {
            var failures = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).OfType<SiteException>().ToList();
            if (failures.Count == 1)
            {
                throw failures[0];
            }

            throw new SiteException(
                string.Join(", ", failures.Select(f => f.City)),
                string.Join(" | ", failures.Select(f => f.Message)),
                failures[0]);
        }
    }

    /// <summary>Creates mediAI (Citus does not propagate CREATE DATABASE) and the extension; answers the Citus version, or null.</summary>
    private async Task<string?> PrepareNodeAsync(LabNodeOptions node, CancellationToken cancellationToken)
    {
        try
        {
            await using (var postgres = await OpenAsync(node, _lab.MaintenanceDatabase, cancellationToken))
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", postgres)
                {
                    Parameters = { new() { Value = LabSites.Database } },
                };
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    logger.LogInformation("{City}: creating database {Database}", node.City, LabSites.Database);
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{LabSites.Database}\"", postgres);
                    // The lab's mark: on a cluster it shares, its cleanup drops only what carries it.
                    await using var mark = new NpgsqlCommand($"COMMENT ON DATABASE \"{LabSites.Database}\" IS {PsqlScript.Literal(External.LabObjects.DatabaseComment)}", postgres);
                    try
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken);
                        await mark.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
                    {
                        // Created meanwhile by another bootstrap (two sites sharing one server, or a retry): fine.
                    }
                }
            }

            await using var mediai = await OpenAsync(node, LabSites.Database, cancellationToken);
            await using var preload = new NpgsqlCommand(
                "SELECT current_setting('shared_preload_libraries') ~ '(^|,)\\s*citus\\s*(,|$)' AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'citus')",
                mediai);
            if (await preload.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }

            await LockAsync(mediai, ExtensionLock, cancellationToken);
            await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS citus", mediai);
            try
            {
                await extension.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
            {
                // Created meanwhile by a session that does not take the lock (by hand, an older lab): fine.
            }

            if (_lab.External)
            {
                // A shared cluster's node may listen only on its own address, not on localhost.
                await External.LocalHostname.SetForLabDatabaseAsync(mediai, cancellationToken);
            }

            await using var version = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'citus'", mediai);
            return (string?)await version.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Fail(node, e);
        }
    }

    private async Task RunScriptAsync(
        NpgsqlConnection connection, LabNodeOptions node, string script, CancellationToken cancellationToken,
        IEnumerable<KeyValuePair<string, string>>? variables = null)
    {
        var path = Path.Combine(_lab.DataDir, script);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Lab data script not found: {path}. Run the lab from a complete clone of the repository.", path);
        }

        logger.LogInformation("{City}: running {Script}", node.City, script);
        Progress($"running {script}");
        using var activity = Source.StartActivity("run " + script);
        var runner = new PsqlRunner(connection, logger).OnProgress(step => Progress(step.ToString()));
        foreach (var (name, value) in variables ?? [])
        {
            runner.WithVariable(name, value);
        }

        try
        {
            await runner.RunFileAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or ScriptException or TimeoutException)
        {
            throw Fail(node, e);
        }
    }

    /// <summary>
    /// One line per step, in a fixed shape: the AppHost reads these from this process's console log
    /// and shows the latest as the bootstrap's progress in the dashboard (AppHost/BootstrapProgress.cs).
    /// </summary>
    private void Progress(string step) => logger.LogInformation(BootstrapProgressLine.Format, step);

    /// <summary>paris_host, paris_port, tunis_host, … for init-cluster.sql.</summary>
    private IEnumerable<KeyValuePair<string, string>> ClusterVariables() =>
        _lab.Nodes.SelectMany(n => new KeyValuePair<string, string>[]
        {
            new($"{n.Site}_host", n.ClusterHost),
            new($"{n.Site}_port", n.ClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        });

    private SiteException Fail(LabNodeOptions node, Exception e)
    {
        var advice = e is ScriptException { PostgresError.SqlState: "08001" or "08006" or "57P01" or "57P03" }
            || e is NpgsqlException { InnerException: System.Net.Sockets.SocketException }
            ? " A node is down or unreachable: check its resource in the dashboard, then run the bootstrap again (restart cluster-bootstrap)."
            : " Nothing half-loaded was kept; fix the cause and run the bootstrap again, or use 'Reset lab data'.";
        return new SiteException(node.City, _lab.NameSites(e.Message) + advice, e);
    }

    private async Task<NpgsqlConnection> OpenAsync(LabNodeOptions node, string database, CancellationToken cancellationToken)
    {
        // A session of its own, never a pooled one: a pooled coordinator session keeps Citus's cached
        // links to the workers, and one a site's outage has cut fails the next statement that needs it
        // ("failure on connection marked as essential … [Montréal]" on Reset lab data after a heal, seen).
        // It waits for a new link as long as Citus does by default, not the 5 s students' sessions get.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_lab.ConnectionString(node, database)) { Pooling = false }
            .WithSettings(SessionSettings.NodeConnectionTimeout(LabTimeouts.SetupConnect)).ConnectionString);
        connection.Notice += (_, e) => logger.LogDebug("{City}: {Notice}", node.City, e.Notice.MessageText);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
