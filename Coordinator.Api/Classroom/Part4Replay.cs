using MediAI.Coordinator.Campaign;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Grading;
using MediAI.Coordinator.Core.Sql;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MediAI.Coordinator.Classroom;

/// <summary>
/// Part 4 replayed for one student, as they ran it by hand, on the class's one lab: 4a and 4b as
/// written; 4c with Tokyo's link dropped after it prepares; 4d with the coordinator killed before,
/// then after its commit record, started again, and their recovery file run each time. Everything
/// runs as the student's role, one student at a time (a crash stops every session of the lab).
/// Afterwards the graders read what it left; then <see cref="PutBackAsync"/> removes every row
/// the replay added, so the next student starts from the same lab.
/// </summary>
public sealed class Part4Replay(NpgsqlDataSource admin, AgentClient agents, AgentNodeClient nodes, Action retirePooledBackends)
{
    private static readonly LabSite Tokyo = LabSites.All.Single(s => s.Country == "Japan");

    /// <summary>The lab every student starts from: the rows of MedicalRecords and Transactions before any replay, and whether it runs Citus (then faults were armed and Paris killed).</summary>
    public sealed record Baseline(long[] Records, long[] Transactions, bool Citus);

    /// <summary>What a Part 4 run leaves (patient 16's consultations and follow-ups, billed in France), for the check that the lab starts without them.</summary>
    public const string LeftoversSql = """
        SELECT (SELECT count(*) FROM medicalrecords WHERE idpatient = 16 AND examtype IN ('Emergency consultation', 'Emergency follow-up', 'Crash before commit record', 'Crash after commit record', 'Night emergency'))
             + (SELECT count(*) FROM transactions WHERE idpatient = 16 AND country = 'France' AND type IN ('consultation', 'follow-up', 'crash-before', 'crash-after', 'night-emergency'))
        """;

    public async Task<Baseline> BaselineAsync(bool citus, CancellationToken ct)
    {
        await using var connection = await admin.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce((SELECT array_agg(idrecord) FROM medicalrecords), '{}'), coalesce((SELECT array_agg(idtrans) FROM transactions), '{}')", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Baseline(reader.GetFieldValue<long[]>(0), reader.GetFieldValue<long[]>(1), citus);
    }

    /// <summary>
    /// Runs the student's Part 4 files; returns PostgreSQL's errors on the way, by question (each
    /// fails with them, as in Parts 1–3); the grades then come from what the lab holds.
    /// </summary>
    public async Task<Dictionary<string, IReadOnlyList<string>>> ReplayAsync(StudentSandbox sandbox, string answers, Baseline lab, CancellationToken ct)
    {
        var errors = new Dictionary<string, IReadOnlyList<string>>();
        await sandbox.AllowPart4Async(lab.Citus, ct);
        await RunAsync(sandbox, answers, "part4/4a-prepare-transaction.sql", Errors(errors, "4a"), ct);
        if (!lab.Citus)
        {
            return errors; // 4b–4d need Citus: the graders skip them
        }

        await RunAsync(sandbox, answers, "part4/4b-emergency-consultation.sql", Errors(errors, "4b"), ct);

        await ArmAsync("drop_after_prepare", ct);
        await RunAsync(sandbox, answers, "part4/4c-site-failure.sql", Errors(errors, "4c"), ct);
        await agents.HealAsync(Tokyo, ct);

        var crash = Errors(errors, "4d");
        foreach (var (fault, file) in new[] { ("crash_coordinator_before_commit_record", "4d-crash-before.sql"), ("crash_coordinator_after_commit_record", "4d-crash-after.sql") })
        {
            await ArmAsync(fault, ct);
            // COMMIT never answers there: the coordinator is gone. That is the exercise, not the student's error.
            await RunAsync(sandbox, answers, $"part4/{file}", crash, ct, connectionLossExpected: true);
            await RecoverAsync(sandbox, ct);
            await RunAsync(sandbox, answers, "part4/4d-coordinator-crash.sql", crash, ct);
        }

        return errors;
    }

    /// <summary>
    /// 4e on a student's own lab: their writer's file (session A) run with Tokyo's next COMMIT
    /// PREPARED held, as they ran it, then Tokyo healed. Their reader (session B) is not replayed:
    /// what it saw depends on when it looked; 4e is graded on what the commit left and on the answer.
    /// </summary>
    public async Task HeldConsultationAsync(NpgsqlDataSource session, string answers, List<string> errors, CancellationToken ct)
    {
        await ArmAsync("delay_commit_prepared", ct);
        try
        {
            await RunFileAsync(session, answers, LabQuestions.HeldConsultation, errors, ct);
        }
        finally
        {
            await agents.HealAsync(Tokyo, ct);
        }
    }

    /// <summary>
    /// The lab as the baseline had it: faults at Tokyo healed, Paris started, in-doubt transactions
    /// resolved, and every row the replay added removed (the role could only add rows).
    /// </summary>
    public async Task PutBackAsync(Baseline baseline, CancellationToken ct)
    {
        // (Without Citus nothing was armed nor killed: 4a alone was replayed.)
        if (baseline.Citus)
        {
            await RecoverAsync(null, ct);
        }

        await using var connection = await admin.OpenConnectionAsync(ct);
        if (baseline.Citus)
        {
            await FileRun.ExecuteAsync(connection, "SELECT recover_prepared_transactions()", ct);
        }

        foreach (var (sql, keep) in new[]
        {
            ("DELETE FROM medicalrecords WHERE NOT (idrecord = ANY($1))", baseline.Records),
            ("DELETE FROM transactions WHERE NOT (idtrans = ANY($1))", baseline.Transactions),
        })
        {
            await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = keep } } };
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// After a crash file: Tokyo's fault healed, Paris started (a no-op if the student's file never
    /// reached COMMIT and Paris is still up), and the sessions opened before Paris was killed retired —
    /// the API's, the grading's, the student's.
    /// </summary>
    private async Task RecoverAsync(StudentSandbox? sandbox, CancellationToken ct)
    {
        await agents.HealAsync(Tokyo, ct);
        await nodes.StartAsync(LabSites.Coordinator, ct);
        retirePooledBackends();
        admin.Clear();
        sandbox?.Session.Clear();
    }

    /// <summary>
    /// The server's last words as it is killed: a FATAL or PANIC, an operator-intervention SQLSTATE
    /// (57P…), or Citus noticing its postmaster died ("postmaster was shut down, exiting", XX000).
    /// </summary>
    private static bool KilledServer(PostgresException e) =>
        e.InvariantSeverity is "FATAL" or "PANIC" || e.SqlState.StartsWith("57P", StringComparison.Ordinal)
        || e.MessageText.Contains("postmaster was shut down", StringComparison.Ordinal);

    private static List<string> Errors(Dictionary<string, IReadOnlyList<string>> errors, string question)
    {
        var list = new List<string>();
        errors[question] = list;
        return list;
    }

    private Task ArmAsync(string fault, CancellationToken ct) =>
        agents.AddFaultAsync(Tokyo, CampaignFaults.All.Single(k => k.Name == fault).Request(Random.Shared), ct);

    private static Task RunAsync(StudentSandbox sandbox, string answers, string relative, List<string> errors, CancellationToken ct, bool connectionLossExpected = false) =>
        RunFileAsync(sandbox.Session, answers, relative, errors, ct, connectionLossExpected);

    /// <summary>The file as psql runs it (no ON_ERROR_STOP): a failing statement is noted and the file carries on; a lost connection ends it.</summary>
    internal static async Task RunFileAsync(NpgsqlDataSource session, string answers, string relative, List<string> errors, CancellationToken ct, bool connectionLossExpected = false)
    {
        ExerciseFile? file;
        try
        {
            file = await AnswerFile.LoadAsync(answers, relative, ct);
        }
        catch (UnreadableFileException)
        {
            return; // the grader names it
        }

        if (file is null)
        {
            return;
        }

        try
        {
            await using var connection = await session.OpenConnectionAsync(ct);
            await new PsqlRunner(connection, NullLogger.Instance).ContinueOnError((message, error) =>
            {
                if (!connectionLossExpected || error is null || !KilledServer(error))
                {
                    errors.Add(message);
                }
            }).RunAsync(relative, file.Text, ct);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or FormatException && !ct.IsCancellationRequested)
        {
            // The server killed mid-file answers with a lost connection (its last words, PostgreSQL's
            // errors, went to the handler above): 4d's crash files end so, and that is the exercise.
            var connectionLost = e is (NpgsqlException and not PostgresException) or IOException || (e is PostgresException p && KilledServer(p));
            if (!connectionLossExpected || !connectionLost)
            {
                errors.Add(e is FormatException ? $"{relative}: {e.Message}" : $"{relative}: the connection was lost, so the rest of the file did not run: {e.Message}");
            }
        }
    }
}
