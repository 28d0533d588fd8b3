using System.Security.Cryptography;
using System.Text;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Grading;
using MediAI.Coordinator.Core.Sql;
using Npgsql;

namespace MediAI.Coordinator.Classroom;

/// <summary>
/// A student's own corner of the lab while their work is graded: a login role with no privilege
/// beyond reading the lab's tables (member of lab_reader), a schema of its own first in its
/// search_path (their views and tables land there, out of everyone else's way), and time limits
/// set on the role (statement, lock wait, idle transaction, temporary files). Dropped afterwards
/// with everything it made, its sessions ended and anything it left prepared rolled back. Citus
/// propagates the role, its settings and its schema to every node.
/// </summary>
public sealed class StudentSandbox : IAsyncDisposable
{
    /// <summary>Every sandbox role starts so: a run interrupted before its cleanup can find them.</summary>
    public const string RolePrefix = "grade_";

    private readonly NpgsqlDataSource _admin;

    private StudentSandbox(NpgsqlDataSource admin, string role, NpgsqlDataSource session)
    {
        _admin = admin;
        Role = role;
        Session = session;
    }

    public string Role { get; }

    /// <summary>Connections as the student's role: their SQL and the graders run through these only.</summary>
    public NpgsqlDataSource Session { get; }

    /// <summary>A role name PostgreSQL accepts for any folder name: a readable part, and a hash that keeps two names apart.</summary>
    public static string RoleFor(string student)
    {
        var readable = new string([.. student.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_')]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(student)))[..8];
        return $"{RolePrefix}{readable[..Math.Min(readable.Length, 40)]}_{hash}";
    }

    public static async Task<StudentSandbox> CreateAsync(NpgsqlDataSource admin, LabClusterOptions lab, string student, int timeoutSeconds, CancellationToken ct)
    {
        var role = RoleFor(student);
        await DropAsync(admin, role, ct); // what an interrupted run left
        // No connection limit on the role: a repartition join opens many, node to node, as this role.
        // Citus opens its connections to the other nodes as this role with the password the nodes
        // were started with (their PGPASSWORD), so the role needs that password.
        await ExecuteAsync(admin, ct,
            $"CREATE ROLE {role} LOGIN PASSWORD {PsqlScript.Literal(lab.Password)} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
            $"GRANT {LabClusterOptions.ReaderRole} TO {role}",
            $"CREATE SCHEMA {role} AUTHORIZATION {role}",
            $"ALTER ROLE {role} SET search_path = {role}, public",
            $"ALTER ROLE {role} SET statement_timeout = '{timeoutSeconds}s'",
            $"ALTER ROLE {role} SET lock_timeout = '5s'",
            $"ALTER ROLE {role} SET idle_in_transaction_session_timeout = '{timeoutSeconds + 30}s'",
            $"ALTER ROLE {role} SET temp_file_limit = '512MB'",
            // A repartition join opens up to this many connections per node and session, and each merge task
            // one more from worker to worker: students graded side by side stay well inside each node's
            // max_connections (80 in the lab) instead of taking every slot ("remaining connection slots are reserved").
            $"ALTER ROLE {role} SET citus.max_adaptive_executor_pool_size = 2");
        var session = new NpgsqlConnectionStringBuilder(lab.ConnectionString(lab.Coordinator, LabSites.Database, role))
        {
            ApplicationName = "mediai-grading",
            // Npgsql cancels a statement past this even if the student's SQL lifted statement_timeout.
            CommandTimeout = timeoutSeconds + 10,
            Timeout = 10,
        };
        return new StudentSandbox(admin, role, NpgsqlDataSource.Create(session.ConnectionString));
    }

    /// <summary>What Part 4's files need beyond reading: add rows to the two tables of the consultation, and (Citus) recover in-doubt transactions.</summary>
    public Task AllowPart4Async(bool citus, CancellationToken ct) => ExecuteAsync(_admin, ct,
        [
            $"GRANT INSERT ON medicalrecords, transactions TO {Role}",
            $"GRANT USAGE ON SEQUENCE medicalrecords_idrecord_seq, transactions_idtrans_seq TO {Role}",
            .. citus ? [$"GRANT EXECUTE ON FUNCTION recover_prepared_transactions() TO {Role}"] : Array.Empty<string>(),
        ]);

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await DropAsync(_admin, Role, CancellationToken.None);
    }

    /// <summary>Ends the role's sessions, rolls back what it left prepared, drops its schema, its objects and grants, and the role.</summary>
    public static async Task DropAsync(NpgsqlDataSource admin, string role, CancellationToken ct)
    {
        await using var connection = await admin.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", connection) { Parameters = { new() { Value = role } } })
        {
            if (await exists.ExecuteScalarAsync(ct) is not true)
            {
                return;
            }
        }

        var prepared = new List<string>();
        await using (var find = new NpgsqlCommand("SELECT gid FROM pg_prepared_xacts WHERE owner = $1 AND database = current_database()", connection) { Parameters = { new() { Value = role } } })
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                prepared.Add(reader.GetString(0));
            }
        }

        foreach (var gid in prepared)
        {
            await FileRun.ExecuteAsync(connection, $"ROLLBACK PREPARED {PsqlScript.Literal(gid)}", ct);
        }

        await FileRun.ExecuteAsync(connection, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = {PsqlScript.Literal(role)}", ct);
        await FileRun.ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {role} CASCADE", ct);
        await FileRun.ExecuteAsync(connection, $"DROP OWNED BY {role}", ct);
        await FileRun.ExecuteAsync(connection, $"DROP ROLE {role}", ct);
    }

    /// <summary>Sandbox roles a run left behind (it was stopped before its cleanup).</summary>
    public static async Task<List<string>> LeftAsync(NpgsqlDataSource admin, CancellationToken ct)
    {
        await using var connection = await admin.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)", connection) { Parameters = { new() { Value = RolePrefix } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var roles = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            roles.Add(reader.GetString(0));
        }

        return roles;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource admin, CancellationToken ct, params string[] statements)
    {
        await using var connection = await admin.OpenConnectionAsync(ct);
        foreach (var sql in statements)
        {
            await FileRun.ExecuteAsync(connection, sql, ct);
        }
    }
}
