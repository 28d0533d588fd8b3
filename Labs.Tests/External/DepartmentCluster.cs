using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MediAI.AppHost;
using MediAI.AppHost.Nodes;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.External;

/// <summary>
/// A department's Citus cluster as the lab finds it: four PostgreSQL + Citus servers on four
/// "hosts" (127.0.0.2 … 127.0.0.5, one port), each accepting TLS only with a self-signed
/// certificate made here, formed in database postgres (the coordinator registered, three
/// workers added) and holding the department's own distributed table. Its settings are Citus's
/// defaults, not the lab's: inter-node TLS, local execution, automatic 2PC recovery.
/// </summary>
public sealed class DepartmentCluster : IAsyncDisposable
{
    public const string Table = "department_courses";

    private readonly string _certificates;

    private DepartmentCluster(IReadOnlyList<TestPostgres> nodes, string certificates)
    {
        Nodes = nodes;
        _certificates = certificates;
    }

    public IReadOnlyList<TestPostgres> Nodes { get; }

    public TestPostgres Coordinator => Nodes[0];

    /// <summary>The certificate every node presents (its own CA: the Root Certificate to verify it).</summary>
    public string Certificate => Path.Combine(_certificates, "server.crt");

    /// <summary>The coordinator's connection string as a professor writes it for the lab (no password: it is a secret parameter).</summary>
    public string LabConnectionString(string extra = "") =>
        $"Host={Coordinator.Host};Port={Coordinator.Port};Username=postgres;SSL Mode=VerifyFull;Root Certificate={Certificate}{extra}";

    public static readonly string[] Hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"];

    /// <summary>A host of its own for a lone server (a cluster without Citus, another Citus version).</summary>
    public const string LoneHost = "127.0.0.6";

    /// <param name="tls">
    /// true: TLS only, between the nodes too (verify-full). false: what site agents beside the nodes
    /// need — clear text accepted, and Citus's node links with sslmode=prefer (a gateway declines TLS).
    /// </param>
    /// <param name="localHostname">
    /// true: each node's citus.local_hostname is its own address (a department that met Citus's
    /// connections to itself). false: Citus's default, localhost, where no node listens.
    /// </param>
    public static async Task<DepartmentCluster> StartAsync(bool tls = true, bool localHostname = true)
    {
        var citus = Installations.Citus ?? throw new InvalidOperationException(Installations.CitusSkipReason);
        var certificates = Directory.CreateTempSubdirectory("mediai-dept-tls-").FullName;
        MakeCertificate(certificates);
        var port = FreePorts.FirstFree(Random.Shared.Next(41_000, 49_000), new HashSet<int>());
        var settings = new Dictionary<string, string>(TlsSettings(certificates))
        {
            // Citus's defaults, where the lab's own nodes differ.
            // No client certificate: libpq would look in $HOME/.postgresql, the test's (root's) when servers run through setpriv.
            ["citus.node_conninfo"] = $"sslmode={(tls ? "verify-full" : "prefer")} sslrootcert={Path.Combine(certificates, "server.crt")} sslcert={Path.Combine(certificates, "none.crt")}",
            ["citus.enable_local_execution"] = "on",
            ["citus.recover_2pc_interval"] = "60s",
            ["citus.propagate_set_commands"] = "none",
        };
        // Each host listens on its own address only; Citus's connections to its own node (shard splits) must go there, not to localhost.
        Dictionary<string, string> SettingsOf(string host) => localHostname
            ? new Dictionary<string, string>(settings) { ["citus.local_hostname"] = host }
            : new Dictionary<string, string>(settings);
        var starts = Hosts.Select((host, i) => TestPostgres.StartAsync(
            citus, $"dept{i}", port, SettingsOf(host), host, tls ? TlsOnly : ClearAccepted)).ToList();
        TestPostgres[] nodes;
        try
        {
            nodes = await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var started in starts.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            Directory.Delete(certificates, recursive: true);
            throw;
        }

        var cluster = new DepartmentCluster(nodes, certificates);
        try
        {
            await cluster.FormAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>How the department formed it, in its own database postgres: the lab sees it only after.</summary>
    private async Task FormAsync()
    {
        foreach (var node in Nodes)
        {
            await ExecuteAsync(node, "CREATE EXTENSION citus");
        }

        await ExecuteAsync(Coordinator, $"SELECT citus_set_coordinator_host('{Coordinator.Host}', {Coordinator.Port})");
        foreach (var worker in Nodes.Skip(1))
        {
            await ExecuteAsync(Coordinator, $"SELECT citus_add_node('{worker.Host}', {worker.Port})");
        }

        await ExecuteAsync(Coordinator, $"CREATE TABLE {Table} (id int PRIMARY KEY, title text NOT NULL)");
        await ExecuteAsync(Coordinator, $"SELECT create_distributed_table('{Table}', 'id')");
        await ExecuteAsync(Coordinator, $"INSERT INTO {Table} SELECT g, 'course ' || g FROM generate_series(1, 40) g");
    }

    public static string AdminConnectionString(TestPostgres node, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder(node.ConnectionString(database)) { SslMode = SslMode.Require }.ConnectionString;

    public static async Task ExecuteAsync(TestPostgres node, string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(node, database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static Task<List<object[]>> QueryAsync(TestPostgres node, string sql, string database = "postgres") =>
        TestPostgres.QueryOnAsync(AdminConnectionString(node, database), sql);

    /// <summary>
    /// Everything the lab could change on the cluster, node by node, as text: databases (and their
    /// comments), roles, extensions, the cluster's own Citus metadata, the department's rows and
    /// shards, prepared transactions, replication slots, settings changed from their defaults.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes)
        {
            text.Append(await NodeSnapshotAsync(node, rows: node == Coordinator));
        }

        return text.ToString();
    }

    /// <param name="rows">Also the department's rows (read through the coordinator: every worker must answer).</param>
    public static async Task<string> NodeSnapshotAsync(TestPostgres node, bool rows)
    {
        var text = new StringBuilder();
        text.Append("== ").AppendLine(node.Host);
        string[] queries =
        [
            "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database ORDER BY 1",
            "SELECT rolname, rolcanlogin, rolsuper FROM pg_roles ORDER BY 1",
            "SELECT extname, extversion FROM pg_extension ORDER BY 1",
            "SELECT nodeid, groupid, nodename, nodeport, isactive, shouldhaveshards FROM pg_dist_node ORDER BY 1",
            "SELECT logicalrelid::text, partmethod, colocationid FROM pg_dist_partition ORDER BY 1",
            "SELECT shardid, groupid FROM pg_dist_placement ORDER BY 1",
            "SELECT gid, database FROM pg_prepared_xacts ORDER BY 1",
            "SELECT slot_name FROM pg_replication_slots ORDER BY 1",
            "SELECT name, setting FROM pg_settings WHERE source IN ('configuration file', 'override', 'database', 'user') ORDER BY 1",
            "SELECT d.datname, s.setconfig::text FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase ORDER BY 1, 2",
            .. rows ? [$"SELECT count(*), sum(id) FROM {Table}"] : Array.Empty<string>(),
        ];
        foreach (var sql in queries)
        {
            foreach (var row in await QueryAsync(node, sql))
            {
                text.AppendLine(string.Join(" | ", row.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return text.ToString();
    }

    /// <summary>TLS or nothing: a client without encryption is refused by pg_hba.conf.</summary>
    public static void TlsOnly(string dataDir) => File.WriteAllText(Path.Combine(dataDir, "pg_hba.conf"),
        "local all all trust\nhostnossl all all 127.0.0.0/8 reject\nhostssl all all 127.0.0.0/8 scram-sha-256\n");

    /// <summary>TLS or clear text, a password either way.</summary>
    private static void ClearAccepted(string dataDir) => File.WriteAllText(Path.Combine(dataDir, "pg_hba.conf"),
        "local all all trust\nhost all all 127.0.0.0/8 scram-sha-256\n");

    /// <summary>Server settings for TLS with the certificate <see cref="MakeCertificate"/> wrote in <paramref name="folder"/>.</summary>
    public static Dictionary<string, string> TlsSettings(string folder) => new()
    {
        ["ssl"] = "on",
        ["ssl_cert_file"] = Path.Combine(folder, "server.crt"),
        ["ssl_key_file"] = Path.Combine(folder, "server.key"),
    };

    /// <summary>A self-signed certificate for the four hosts (its own CA), and its key, readable by the postgres account only.</summary>
    public static void MakeCertificate(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mediai-department-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in Hosts.Append(LoneHost))
        {
            names.AddIpAddress(IPAddress.Parse(host));
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var crt = Path.Combine(folder, "server.crt");
        var keyFile = Path.Combine(folder, "server.key");
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        // PostgreSQL refuses a key others can read; the postgres account must own it.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(crt, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        RunAsPostgres.Own(folder);
        RunAsPostgres.Own(crt);
        RunAsPostgres.Own(keyFile);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(_certificates, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
