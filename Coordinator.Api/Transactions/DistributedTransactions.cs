using System.Diagnostics;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Sessions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Transactions;

/// <summary>A transaction prepared at a site, waiting for COMMIT/ROLLBACK PREPARED.</summary>
public sealed record PreparedAtSite(string Site, string City, string Gid, DateTime Prepared);

/// <summary>One site's part of a distributed commit.</summary>
public sealed record SiteOutcome(string Site, string City, string Gid, string Outcome);

/// <summary>The emergency consultation's answer.</summary>
public sealed record ConsultationResult(bool Committed, long? RecordId, long? TransactionId, IReadOnlyList<SiteOutcome> Sites, IReadOnlyList<string> Warnings, string? Error, string? TraceId);

/// <summary>What waits in doubt, everywhere, and Citus's commit records.</summary>
public sealed record InDoubt(IReadOnlyList<PreparedAtSite> Prepared, IReadOnlyList<string> CommitRecords, IReadOnlyList<string> UnreachableSites);

/// <summary>
/// The handout's Part 4, made real: Citus's own two-phase commit across sites, what it leaves
/// in doubt when a site fails, and recovery.
/// </summary>
public sealed class DistributedTransactions(NpgsqlDataSource dataSource, IOptions<LabClusterOptions> options)
{
    public static readonly ActivitySource Source = new("MediAI.Coordinator.Transactions");
    private readonly LabClusterOptions _lab = options.Value;

    /// <summary>
    /// Yuki Tanaka's emergency consultation in Paris: a MedicalRecords row for Japan (stored at
    /// Tokyo) and a billing Transactions row in France (stored at Paris), in one transaction.
    /// </summary>
    public async Task<ConsultationResult> EmergencyConsultationAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("emergency consultation");
        var warnings = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CitusRequiredException.ThrowIfMissingAsync(connection, "The emergency consultation is a distributed transaction across Tokyo and Paris", cancellationToken);

        connection.Notice += (_, e) => warnings.Add(_lab.NameSites(e.Notice.MessageText));
        long? recordId = null, transactionId = null;
        int pid;
        long transactionNumber;
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await TracePropagation.SetLocalTraceparentAsync(connection, cancellationToken);
            await using (var record = new NpgsqlCommand("""
                INSERT INTO MedicalRecords (idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion)
                VALUES (16, 'Japan', NOW()::DATE, 'Emergency consultation', 'General check — patient travelling', 'DiagNet-3', 0.8934, 'v3.2')
                RETURNING idRecord
                """, connection))
            {
                recordId = (long)(await record.ExecuteScalarAsync(cancellationToken))!;
            }

            await using (var billing = new NpgsqlCommand("""
                INSERT INTO Transactions (idPatient, country, date, type, amount, currency, status)
                VALUES (16, 'France', NOW(), 'consultation', 150, 'EUR', 'pending')
                RETURNING idTrans
                """, connection))
            {
                transactionId = (long)(await billing.ExecuteScalarAsync(cancellationToken))!;
            }

            // Citus names its gids citus_<group>_<pid>_<transaction number>_<connection>.
            await using (var id = new NpgsqlCommand("SELECT pg_backend_pid(), (get_current_transaction_id()).transaction_number", connection))
            await using (var reader = await id.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                pid = reader.GetInt32(0);
                transactionNumber = reader.GetInt64(1);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            return new ConsultationResult(false, null, null, [], warnings, $"{_lab.NameSites(e.MessageText)} (SQLSTATE {e.SqlState})", activity?.TraceId.ToString());
        }

        var sites = await OutcomesAsync($"citus\\_0\\_{pid}\\_{transactionNumber}\\_%", cancellationToken);
        return new ConsultationResult(true, recordId, transactionId, sites, warnings, null, activity?.TraceId.ToString());
    }

    /// <summary>Each site the commit involved: committed, or still prepared there (in doubt).</summary>
    private async Task<IReadOnlyList<SiteOutcome>> OutcomesAsync(string gidPattern, CancellationToken cancellationToken)
    {
        var records = new List<(int Group, string Gid)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("SELECT groupid, gid FROM pg_dist_transaction WHERE gid LIKE $1 ORDER BY gid", connection) { Parameters = { new() { Value = gidPattern } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        var groups = await GroupsAsync(cancellationToken);
        var inDoubt = (await InDoubtAsync(cancellationToken)).Prepared.Select(p => p.Gid).ToHashSet();
        return records.Select(r =>
        {
            var node = groups.GetValueOrDefault(r.Group);
            return new SiteOutcome(node?.Site ?? $"group {r.Group}", node?.City ?? "", r.Gid, inDoubt.Contains(r.Gid) ? "in doubt (prepared, not committed)" : "committed");
        }).ToList();
    }

    private async Task<Dictionary<int, LabNodeOptions>> GroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new Dictionary<int, LabNodeOptions>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT groupid, nodename, nodeport FROM pg_dist_node", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var host = reader.GetString(1);
            var port = reader.GetInt32(2);
            if (_lab.Nodes.FirstOrDefault(n => n.ClusterHost == host && n.ClusterPort == port) is { } node)
            {
                groups[reader.GetInt32(0)] = node;
            }
        }

        return groups;
    }

    /// <summary>Prepared transactions at every site (asked directly, not through Citus), and Citus's commit records.</summary>
    public async Task<InDoubt> InDoubtAsync(CancellationToken cancellationToken)
    {
        var (prepared, unreachable) = await PreparedTransactions.AtEverySiteAsync(_lab, cancellationToken);

        var records = new List<string>();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT gid FROM pg_dist_transaction ORDER BY gid", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Plain PostgreSQL: no Citus commit records.
        }

        return new InDoubt(prepared, records, unreachable);
    }

    /// <summary>recover_prepared_transactions(): commits what has a commit record, rolls back the rest.</summary>
    public async Task<(int Resolved, InDoubt Before, InDoubt After)> RecoverAsync(CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("recover prepared transactions");
        var before = await InDoubtAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await CitusRequiredException.ThrowIfMissingAsync(connection, "Recovering in-doubt distributed transactions", cancellationToken);
        await using var command = new NpgsqlCommand("SELECT recover_prepared_transactions()", connection);
        var resolved = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return (resolved, before, await InDoubtAsync(cancellationToken));
    }
}
