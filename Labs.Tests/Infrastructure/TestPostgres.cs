using System.Diagnostics;
using MediAI.AppHost;
using MediAI.AppHost.Nodes;
using MediAI.AppHost.Setup;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for a test: initdb into a temp folder, started on a free loopback
/// port with the lab's node settings, stopped (fast shutdown) and deleted on dispose.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Password = "postgres";

    private readonly Process _process;
    private readonly string _root;

    private TestPostgres(Process process, string root, string host, int port)
    {
        _process = process;
        _root = root;
        Host = host;
        Port = port;
    }

    /// <summary>The loopback address it listens on (127.0.0.1, or 127.0.0.2… for a cluster of "hosts").</summary>
    public string Host { get; }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") => ConnectionStringFor(Port, database, Host);

    /// <summary>The lab's superuser on <paramref name="host"/>:<paramref name="port"/> (a server, or a gateway in front of one).</summary>
    public static string ConnectionStringFor(int port, string database, string host = "127.0.0.1") => new NpgsqlConnectionStringBuilder
    {
        Host = host,
        Port = port,
        Username = "postgres",
        Password = Password,
        Database = database,
        Pooling = false,
        Timeout = 10,
        CommandTimeout = 120,
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(string database = "postgres")
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>All rows of a query, as object arrays.</summary>
    public Task<List<object[]>> QueryAsync(string database, string sql) => QueryOnAsync(ConnectionString(database), sql);

    /// <summary>The gids of the transactions prepared at this server, waiting for their decision.</summary>
    public async Task<List<string>> PreparedGidsAsync(string database = "postgres") =>
        [.. (await QueryAsync(database, "SELECT gid FROM pg_prepared_xacts ORDER BY gid")).Select(r => (string)r[0])];

    /// <summary>All rows of a query on any server (a lab's coordinator, a gateway), as object arrays.</summary>
    public static async Task<List<object[]>> QueryOnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Servers still running, stopped when the test process exits: a test or fixture that fails
    /// halfway, or a run cancelled from the keyboard, leaves no PostgreSQL behind.
    /// </summary>
    private static readonly HashSet<TestPostgres> Running = [];

    static TestPostgres() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        TestPostgres[] left;
        lock (Running)
        {
            left = [.. Running];
        }

        foreach (var server in left)
        {
            server.StopAsync().GetAwaiter().GetResult();
            server.DeleteRoot();
        }
    };

    /// <summary>
    /// Several servers at once. If one fails to start, the others are stopped before the error
    /// reaches the caller: a fixture whose InitializeAsync throws owns nothing to dispose.
    /// </summary>
    /// <param name="settingsFor">Extra server settings per server name, if any.</param>
    public static async Task<TestPostgres[]> StartManyAsync(
        PostgresInstallation installation, IEnumerable<string> names, Func<string, IReadOnlyDictionary<string, string>?>? settingsFor = null)
    {
        var starts = names.Select(name => StartAsync(installation, name, settings: settingsFor?.Invoke(name))).ToList();
        try
        {
            return await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var started in starts.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    /// <param name="settings">Extra server settings (name → value) after the lab's own.</param>
    /// <param name="host">The loopback address to listen on.</param>
    /// <param name="beforeStart">Called with the data directory after initdb, before the server starts (pg_hba.conf, certificates).</param>
    public static async Task<TestPostgres> StartAsync(
        PostgresInstallation installation, string name, int? port = null, IReadOnlyDictionary<string, string>? settings = null,
        string host = "127.0.0.1", Action<string>? beforeStart = null)
    {
        var root = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        var dataDir = Path.Combine(root, name);
        await LocalDataDirectory.EnsureInitializedAsync(installation, dataDir, Password, NullLogger.Instance, CancellationToken.None);
        beforeStart?.Invoke(dataDir);
        var chosen = port ?? TestPorts.ForServer();
        var (command, prefix) = RunAsPostgres.Wrap(installation.Postgres);
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            Environment = { ["PGPASSWORD"] = Password },
        };
        foreach (var arg in prefix.Concat(["-D", dataDir, "-p", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                     .Concat(NodeSettings.AsArgs(NodeSettings.Server(installation.HasCitus)))
                     .Concat(["-c", $"listen_addresses={host}", "-c", "unix_socket_directories="])
                     .Concat(NodeSettings.AsArgs(settings ?? new Dictionary<string, string>())))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var server = new TestPostgres(process, root, host, chosen);
        lock (Running)
        {
            Running.Add(server);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = await server.OpenAsync();
                return server;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException e)
            {
                await server.DisposeAsync();
                string output;
                lock (log) { output = log.ToString(); }
                throw new InvalidOperationException($"PostgreSQL {name} did not start on port {chosen}: {e.Message}\n{output}", e);
            }
        }
    }

    /// <summary>Stops the server as a crash would not: fast shutdown (SIGINT), then waits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    /// <summary>The temp folder holding this server's data directory (removed on dispose).</summary>
    public string Root => _root;

    /// <summary>The server's process id, while it runs.</summary>
    public int ProcessId => _process.Id;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        lock (Running)
        {
            Running.Remove(this);
        }

        _process.Dispose();
        DeleteRoot();
    }

    private void DeleteRoot()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
