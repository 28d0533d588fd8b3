using System.Diagnostics;
using MediAI.AppHost;
using MediAI.AppHost.Nodes;
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

    private TestPostgres(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") => ConnectionStringFor(Port, database);

    /// <summary>The lab's superuser on 127.0.0.1:<paramref name="port"/> (a server, or a gateway in front of one).</summary>
    public static string ConnectionStringFor(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
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
    public async Task<List<object[]>> QueryAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
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

    public static async Task<TestPostgres> StartAsync(PostgresInstallation installation, string name, int? port = null)
    {
        var root = Directory.CreateTempSubdirectory("mediai-test-").FullName;
        var dataDir = Path.Combine(root, name);
        await LocalDataDirectory.EnsureInitializedAsync(installation, dataDir, Password, NullLogger.Instance, CancellationToken.None);
        var chosen = port ?? FreePorts.FirstFree(Random.Shared.Next(20_000, 40_000), new HashSet<int>());
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
                     .Concat(["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var server = new TestPostgres(process, root, chosen);
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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
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
