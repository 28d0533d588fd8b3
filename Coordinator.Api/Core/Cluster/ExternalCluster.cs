using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MediAI.Coordinator.Core.Cluster;

/// <summary>One node of the existing cluster, as its coordinator's metadata names it, and the lab site it serves.</summary>
/// <param name="Host">Where the lab's programs reach it.</param>
/// <param name="ClusterHost">Where the other nodes reach it (pg_dist_node).</param>
public sealed record ExternalNode(LabSite Site, string Host, int Port, string ClusterHost, int ClusterPort)
{
    public override string ToString() => $"{Site.City} ({Host}:{Port})";
}

/// <summary>What the lab found on an existing Citus cluster before touching anything.</summary>
/// <param name="Template">The given connection settings (TLS…) without host, port and database.</param>
/// <param name="Notes">What differs from the lab's own nodes and what it means for students (nothing is changed).</param>
public sealed record ExternalTopology(
    string Template, string UserName, string Password, string MaintenanceDatabase, string CitusVersion,
    IReadOnlyList<ExternalNode> Nodes, IReadOnlyList<string> Notes);

/// <summary>
/// An existing Citus 12.1 cluster the lab works on (--Lab:Mode=external): reached through its
/// coordinator's connection string, checked (reachable, credentials, Citus, its version, three
/// workers the lab's programs can reach), and its nodes given the lab's sites — Paris the
/// coordinator, then Tunis, Montréal and Tokyo the first three workers by node id. Reads only.
/// Every problem is a <see cref="LabSettingException"/> saying what to fix.
/// </summary>
public static class ExternalCluster
{
    /// <summary>The Citus release line the lab's exercises, graders and EXPLAIN readings are written for.</summary>
    public const string CitusLine = "12.1";

    /// <summary>
    /// External mode's resolver (chosen in <see cref="LabClusterOptions.ResolveAsync"/>): the lab's
    /// options read from the cluster behind ConnectionStrings:coordinator, once, at the program's start.
    /// </summary>
    public static async Task<LabClusterOptions> ResolveAsync(IConfiguration configuration, CoordinatorOptions settings, CancellationToken cancellationToken)
    {
        var found = await DiscoverAsync(ConnectionString(configuration, settings), cancellationToken);
        return ToOptions(found, settings, configuration);
    }

    /// <summary>ConnectionStrings:coordinator with the password parameter (kept apart so the dashboard never shows it), or a message.</summary>
    public static string ConnectionString(IConfiguration configuration, CoordinatorOptions settings)
    {
        var text = configuration.GetConnectionString(CoordinatorOptions.ExternalCoordinator);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LabSettingException(
                $"External mode needs the existing cluster's coordinator: ConnectionStrings:{CoordinatorOptions.ExternalCoordinator} is missing. " +
                "Start the lab with dotnet run --project AppHost -- --Lab:Mode=external --Lab:Coordinator=\"Host=…;Port=5432;Username=…\" (README, \"On a department's Citus cluster\").");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException e)
        {
            throw new LabSettingException($"The coordinator's connection string is not one Npgsql reads: {e.Message} (it looks like Host=db1.example.edu;Port=5432;Username=citus;SSL Mode=Require).");
        }

        if (settings.CoordinatorPassword is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The lab's view of the cluster. A site whose agent runs beside its node (README, "Site agents
    /// beside the cluster's nodes") is registered in the lab's own metadata under the agent's gateway
    /// (Lab:ClusterAddresses:tokyo), and reached by the API through service discovery (services:agent-tokyo).
    /// </summary>
    public static LabClusterOptions ToOptions(ExternalTopology found, CoordinatorOptions settings, IConfiguration? configuration = null) => new()
    {
        AgentSites = [.. found.Nodes.Select(n => n.Site.Name).Where(site => configuration?[$"services:{LabSites.Find(site)!.AgentName}:http:0"] is { Length: > 0 })],
        External = true,
        Overwrite = settings.Overwrite,
        ThroughAgents = settings.ClusterAddresses.Count > 0,
        Template = found.Template,
        MaintenanceDatabase = found.MaintenanceDatabase,
        UserName = found.UserName,
        Password = found.Password,
        DataDir = settings.DataDir,
        Bootstrap = settings.Bootstrap,
        KeepFreeDiskMegabytes = settings.KeepFreeDiskMegabytes,
        Nodes = [.. found.Nodes.Select(n => Node(n, settings))],
    };

    /// <summary>Where the lab reaches the node, and where the nodes do: its agent's gateway when one is registered.</summary>
    private static LabNodeOptions Node(ExternalNode node, CoordinatorOptions settings)
    {
        var (clusterHost, clusterPort) = settings.ClusterAddresses.TryGetValue(node.Site.Name, out var gateway)
            ? LabClusterOptions.ParseAddress(node.Site.Name, gateway)
            : (node.ClusterHost, node.ClusterPort);
        return LabNodeOptions.For(node.Site, node.Host, node.Port, clusterHost, clusterPort);
    }

    /// <summary>Reads and checks the cluster behind <paramref name="connectionString"/>; changes nothing.</summary>
    public static async Task<ExternalTopology> DiscoverAsync(string connectionString, CancellationToken cancellationToken)
    {
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        var template = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "mediai-lab" };
        var maintenance = string.IsNullOrEmpty(given.Database) ? "postgres" : given.Database;
        var user = given.Username is { Length: > 0 } u ? u : Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } pu ? pu : "postgres";
        var password = given.Password ?? Environment.GetEnvironmentVariable("PGPASSWORD") ?? "";
        template.Remove("Host");
        template.Remove("Port");
        template.Remove("Database");
        template.Remove("Username");
        template.Remove("Password");
        var coordinatorAt = $"{given.Host}:{given.Port}";
        if (string.IsNullOrEmpty(given.Host))
        {
            throw new LabSettingException("The coordinator's connection string has no Host: give the coordinator's address (Host=…;Port=5432;Username=…).");
        }

        string Connection(string host, int port) => new NpgsqlConnectionStringBuilder(template.ConnectionString)
        {
            Host = host,
            Port = port,
            Database = maintenance,
            Username = user,
            Password = password,
            Pooling = false,
        }.ConnectionString;

        await using var coordinator = await OpenAsync(Connection(given.Host, given.Port), $"the coordinator at {coordinatorAt}", user, cancellationToken);
        if (!await ScalarAsync<bool>(coordinator, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken))
        {
            throw new LabSettingException(
                $"User '{user}' is not a superuser at the coordinator {coordinatorAt}: the lab creates the citus extension in a database of its own on each node, registers the nodes there and creates its roles, which needs one. " +
                "Give a superuser's name and password (Username=… in --Lab:Coordinator). Nothing was changed.");
        }

        var citus = await CitusVersionAsync(coordinator, $"the coordinator at {coordinatorAt}", maintenance, cancellationToken);
        if (await ScalarAsync<int>(coordinator, "SELECT groupid FROM pg_dist_local_group", cancellationToken) is not 0 and var group)
        {
            throw new LabSettingException(
                $"{coordinatorAt} is one of the cluster's workers (group {group}), not its coordinator: give the coordinator's address (the node where SELECT * FROM pg_dist_node lists the workers).");
        }

        var registered = await RegisteredNodesAsync(coordinator, cancellationToken);
        var workers = registered.Where(n => n.Group != 0).ToList();
        var sites = LabSites.All.Where(s => s.Role == SiteRole.Worker).ToList();
        if (workers.Count < sites.Count)
        {
            throw new LabSettingException(
                $"The cluster at {coordinatorAt} has {workers.Count} active primary worker(s) ({string.Join(", ", workers.Select(w => w.Address))}); " +
                $"the lab places each of its {sites.Count} worker sites ({string.Join(", ", sites.Select(s => s.City))}) on a worker of its own. " +
                "Add workers to the cluster (citus_add_node), or run the lab on its own nodes (without --Lab:Mode=external).");
        }

        // The workers reach the coordinator where the cluster registered it (else where the lab does).
        var self = registered.FirstOrDefault(n => n.Group == 0);
        var nodes = new List<ExternalNode> { new(LabSites.Coordinator, given.Host, given.Port, self?.Host ?? given.Host, self?.Port ?? given.Port) };
        nodes.AddRange(sites.Zip(workers, (site, w) => new ExternalNode(site, w.Host, w.Port, w.Host, w.Port)));

        // The lab's programs open connections to each worker too (its database there, grading, the cluster map):
        // each must answer, with the same Citus, now rather than halfway through a bootstrap.
        var checks = nodes.Skip(1).Select(async node =>
        {
            var what = $"{node.Site.City}'s node (worker {node.Host}:{node.Port}, as the coordinator's pg_dist_node names it)";
            await using var worker = await OpenAsync(Connection(node.Host, node.Port), what, user, cancellationToken);
            var version = await CitusVersionAsync(worker, what, maintenance, cancellationToken);
            return (node, version, notes: await NotesAsync(worker, node, cancellationToken));
        }).ToList();
        var problems = new List<string>();
        var notes = new List<string>(await NotesAsync(coordinator, nodes[0], cancellationToken));
        foreach (var check in checks)
        {
            try
            {
                var (node, version, workerNotes) = await check;
                notes.AddRange(workerNotes);
                if (version != citus)
                {
                    problems.Add($"{node} has Citus {version} and the coordinator {citus}: upgrade the nodes to the same Citus (ALTER EXTENSION citus UPDATE on each).");
                }
            }
            catch (LabSettingException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new LabSettingException(string.Join(Environment.NewLine, problems));
        }

        var unused = workers.Skip(sites.Count).Select(w => w.Address).ToList();
        if (unused.Count > 0)
        {
            notes.Add($"Worker(s) {string.Join(", ", unused)} serve no lab site: the lab's database is not created there.");
        }

        return new ExternalTopology(template.ConnectionString, user, password, maintenance, citus, nodes, notes);
    }

    private sealed record Registered(int Group, string Host, int Port)
    {
        public string Address => $"{Host}:{Port}";
    }

    private static async Task<List<Registered>> RegisteredNodesAsync(NpgsqlConnection coordinator, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT groupid, nodename, nodeport FROM pg_dist_node WHERE isactive AND noderole = 'primary' ORDER BY groupid <> 0, nodeid", coordinator);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var nodes = new List<Registered>();
        while (await reader.ReadAsync(cancellationToken))
        {
            nodes.Add(new Registered(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return nodes;
    }

    /// <summary>The node's Citus as "12.1.12" (extension 12.1-1), or a message when it has none or another line.</summary>
    private static async Task<string> CitusVersionAsync(NpgsqlConnection connection, string what, string database, CancellationToken cancellationToken)
    {
        var extension = await ScalarAsync<string?>(connection, "SELECT extversion FROM pg_extension WHERE extname = 'citus'", cancellationToken);
        if (extension is null)
        {
            var available = await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'citus')", cancellationToken);
            throw new LabSettingException(
                $"{what} has no Citus in database {database}" + (available ? " (the package is installed, the extension not created there)" : "") +
                ". External mode works on an existing Citus 12.1 cluster: give the coordinator of one, and the database where CREATE EXTENSION citus was run and the workers added (Database=… in the connection string). " +
                "Without a cluster, run the lab on its own nodes (dotnet run --project AppHost, without --Lab:Mode=external).");
        }

        string library;
        try
        {
            library = await ScalarAsync<string>(connection, "SELECT (regexp_match(citus_version(), 'Citus ([0-9.]+)'))[1]", cancellationToken) ?? extension;
        }
        catch (PostgresException)
        {
            // citus_version() refuses when the library and the extension differ (an upgrade half done): the extension speaks.
            library = extension;
        }

        if (!extension.StartsWith(CitusLine + "-", StringComparison.Ordinal) || !library.StartsWith(CitusLine + ".", StringComparison.Ordinal))
        {
            throw new LabSettingException(
                $"{what} runs Citus {library} (extension version {extension}); the lab needs Citus {CitusLine} — its exercises, graders and EXPLAIN readings are written for it. " +
                $"Use a Citus {CitusLine} cluster, or run the lab on its own nodes (without --Lab:Mode=external). Nothing was changed.");
        }

        return library;
    }

    /// <summary>What this node's settings mean for the lab (reported by the dry run; the lab never changes a server setting).</summary>
    private static async Task<IReadOnlyList<string>> NotesAsync(NpgsqlConnection connection, ExternalNode node, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('max_prepared_transactions')::int, current_setting('citus.recover_2pc_interval', true)",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var notes = new List<string>();
        if (reader.GetInt32(0) == 0)
        {
            notes.Add($"{node}: max_prepared_transactions = 0, so distributed commits (two-phase commit, Part 4) fail there. Set it (e.g. 100) and restart that node.");
        }

        if (node.Site.Role == SiteRole.Coordinator && !reader.IsDBNull(1) && reader.GetString(1) is var interval && interval != "-1")
        {
            notes.Add($"{node}: citus.recover_2pc_interval = {interval}: Citus finishes in-doubt transactions by itself, so in Part 4 they may be gone before students run recover_prepared_transactions(). The lab's own nodes set it to -1.");
        }

        return notes;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, string what, string user, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            await connection.DisposeAsync();
            throw new LabSettingException(Explain(e, what, user) + " Nothing was changed.");
        }
    }

    /// <summary>What a failed connection means, and what to fix.</summary>
    public static string Explain(Exception e, string what, string user) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } =>
            $"{what} refused the password of user '{user}' ({e.Message}). Check Username in --Lab:Coordinator and the password: dotnet user-secrets set Parameters:coordinator-password <password> --project AppHost.",
        PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } p when p.MessageText.Contains("no encryption", StringComparison.Ordinal) =>
            $"{what} accepts only TLS connections ({p.MessageText}). Add SSL Mode=Require to --Lab:Coordinator (or SSL Mode=VerifyFull;Root Certificate=<the cluster's CA file> to check its certificate).",
        PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
            $"{what} refused user '{user}' from this machine ({p.MessageText}). Ask the cluster's administrator for a pg_hba.conf entry, or check Username.",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } p =>
            $"{what}: {p.MessageText}. Give the database where the cluster's Citus metadata lives (Database=… in --Lab:Coordinator; default postgres).",
        NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException or System.IO.IOException } n when n.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase) || n.InnerException is System.Security.Authentication.AuthenticationException =>
            $"{what}: the TLS connection failed ({n.InnerException?.Message ?? n.Message}). With SSL Mode=VerifyFull or VerifyCA, Root Certificate must be the CA that signed the server's certificate, and the Host its name.",
        NpgsqlException { InnerException: SocketException s } =>
            $"Cannot reach {what}: {s.Message}. Check Host and Port, and that this machine may connect to it (network, firewall, listen_addresses).",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
            $"Cannot reach {what}: no answer in time. Check Host and Port, and that this machine may connect to it (network, firewall).",
        _ => $"Cannot connect to {what}: {e.Message}",
    };

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null ? default! : (T)value;
    }
}
