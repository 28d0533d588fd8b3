using System.Diagnostics;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// One click from a statement to its trace: at the students' door, a statement that can do work is
/// followed by a NOTICE with its trace's address in the dashboard — read here with Npgsql (extended
/// protocol) and psql (simple) — and nothing else of the session changes.
/// </summary>
public sealed class TraceLinkNoticeTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    /// <summary>A stand-in for the dashboard: a real HTTP server on loopback that answers, until stopped.</summary>
    private sealed class Dashboard : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Dashboard(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<Dashboard> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/", () => "dashboard");
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Dashboard(app, url);
        }

        public Task StopAsync() => _app.StopAsync();

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private sealed record Lab(TestAgent Agent, Dashboard Dashboard, int Door) : IAsyncDisposable
    {
        public async Task<(NpgsqlConnection Connection, List<PostgresNotice> Notices)> ConnectAsync()
        {
            var notices = new List<PostgresNotice>();
            var connection = new NpgsqlConnection(TestPostgres.ConnectionStringFor(Door, "postgres"));
            connection.Notice += (_, e) => { lock (notices) { notices.Add(e.Notice); } };
            await connection.OpenAsync();
            return (connection, notices);
        }

        public async ValueTask DisposeAsync()
        {
            await Agent.DisposeAsync();
            await Dashboard.DisposeAsync();
        }
    }

    private async Task<Lab> StartAsync()
    {
        var dashboard = await Dashboard.StartAsync();
        var door = TestPorts.ForServer();
        var agent = await TestAgent.StartAsync(fixture.Node, $"links{Guid.NewGuid():N}"[..12], city: "Paris", clientPort: door, dashboardUrl: dashboard.Url);
        var lab = new Lab(agent, dashboard, door);

        // The agent asks the dashboard at its start: the first link comes once it has answered.
        var (connection, notices) = await lab.ConnectAsync();
        await using (connection)
        {
            for (var i = 0; i < 40 && notices.Count == 0; i++)
            {
                await ExecuteAsync(connection, "SELECT 1");
                await Task.Delay(i == 0 ? 0 : 250);
            }
        }

        Assert.NotEmpty(notices);
        return lab;
    }

    private static async Task<object?> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The door's span of the statement whose text contains <paramref name="marker"/>.</summary>
    private static async Task<Activity> ClientSpanAsync(TestAgent agent, string marker)
    {
        for (var i = 0; i < 100; i++)
        {
            if (agent.Spans.FirstOrDefault(s => s.GetTagItem("mediai.client") is true && (s.GetTagItem("db.query.text") as string ?? "").Contains(marker, StringComparison.Ordinal)) is { } span)
            {
                return span;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"no door span for {marker}");
    }

    private static List<string> Links(List<PostgresNotice> notices)
    {
        lock (notices)
        {
            return [.. notices.Select(n => n.MessageText)];
        }
    }

    [Fact]
    public async Task A_statement_gets_a_notice_with_the_address_of_its_trace_and_settings_and_transaction_control_get_none()
    {
        await using var lab = await StartAsync();
        var table = await fixture.TableAsync();
        var (connection, notices) = await lab.ConnectAsync();
        await using (connection)
        {
            await ExecuteAsync(connection, $"SELECT count(*) FROM {table}");
            var span = await ClientSpanAsync(lab.Agent, $"SELECT count(*) FROM {table}");
            var notice = Assert.Single(notices);
            Assert.Equal($"trace: {lab.Dashboard.Url}/traces/detail/{span.TraceId.ToHexString()}", notice.MessageText);
            Assert.Equal("NOTICE", notice.Severity);
            Assert.Equal("00000", notice.SqlState);

            // Settings and transaction control: no link. Inside BEGIN … COMMIT, each statement links to the block's one trace.
            notices.Clear();
            foreach (var sql in new[] { "SET application_name = 'tracelinks'", "SHOW application_name", "BEGIN", $"INSERT INTO {table} VALUES (1)", $"INSERT INTO {table} VALUES (2)", "COMMIT" })
            {
                await ExecuteAsync(connection, sql);
            }

            var block = await ClientSpanAsync(lab.Agent, $"INSERT INTO {table} VALUES (2)");
            Assert.Equal(
                [$"trace: {lab.Dashboard.Url}/traces/detail/{block.TraceId.ToHexString()}", $"trace: {lab.Dashboard.Url}/traces/detail/{block.TraceId.ToHexString()}"],
                Links(notices));

            // A statement that fails: its error, no link, and the session goes on.
            notices.Clear();
            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "SELECT * FROM no_such_table_for_links"));
            Assert.Equal("42P01", error.SqlState);
            Assert.Empty(Links(notices));
            Assert.Equal(2L, await ExecuteAsync(connection, $"SELECT count(*) FROM {table}"));
            Assert.Single(Links(notices));
        }
    }

    [Fact]
    public async Task Set_mediai_trace_links_off_silences_them_on_brings_them_back_and_another_value_is_refused_leaving_the_session_usable()
    {
        await using var lab = await StartAsync();
        var (connection, notices) = await lab.ConnectAsync();
        await using (connection)
        {
            await ExecuteAsync(connection, "SET mediai.trace_links = off");
            await ExecuteAsync(connection, "SELECT 42");
            Assert.Empty(Links(notices));

            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "SET mediai.trace_links = maybe"));
            Assert.Equal("22023", refused.SqlState);
            Assert.Equal("invalid value for parameter \"mediai.trace_links\": \"maybe\"", refused.MessageText);
            Assert.Equal("Available values: on, off. The trace links stay off.", refused.Hint);
            Assert.Equal(7, await ExecuteAsync(connection, "SELECT 7"));
            Assert.Empty(Links(notices));

            await ExecuteAsync(connection, "SET mediai.trace_links TO on");
            await ExecuteAsync(connection, "SELECT 43");
            Assert.Single(Links(notices));
        }

        // psql (the simple protocol): the same refusal, and the link printed after the answer.
        var psql = await Psql.CommandAsync(lab.Door, "SET mediai.trace_links = maybe", host: "127.0.0.1");
        Assert.Contains("ERROR:  invalid value for parameter \"mediai.trace_links\": \"maybe\"", psql.Error);
        Assert.Contains("HINT:  Available values: on, off.", psql.Error);
        var select = await Psql.CommandAsync(lab.Door, "SELECT 'psql sees it'", host: "127.0.0.1");
        Assert.Equal(0, select.ExitCode);
        Assert.Contains($"NOTICE:  trace: {lab.Dashboard.Url}/traces/detail/", select.Error);
    }

    [Fact]
    public async Task With_the_dashboard_gone_no_link_is_given_and_a_client_gone_mid_statement_changes_nothing()
    {
        await using var lab = await StartAsync();

        // A client that leaves mid-statement (psql killed): no answer, no link; the door serves the next one as before.
        var start = new ProcessStartInfo("psql", ["-h", "127.0.0.1", "-p", lab.Door.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", "postgres", "-X", "-c", "SELECT pg_sleep(3)"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = TestPostgres.Password },
        };
        using (var psql = Process.Start(start)!)
        {
            // Killed while the node runs it (its span ends only with the answer: ask the node itself).
            await using (var direct = await fixture.Node.OpenAsync())
            {
                for (var i = 0; i < 100 && Convert.ToInt64(await ExecuteAsync(direct,
                    "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(3)' AND state = 'active'"), System.Globalization.CultureInfo.InvariantCulture) == 0; i++)
                {
                    await Task.Delay(50);
                }
            }

            psql.Kill();
            await psql.WaitForExitAsync();
            Assert.DoesNotContain("NOTICE", await psql.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }

        var (connection, notices) = await lab.ConnectAsync();
        await using (connection)
        {
            await ExecuteAsync(connection, "SELECT 1");
            Assert.Single(Links(notices));

            // The dashboard stops: once the agent has seen it gone (it asks every 3 s), no dead links.
            await lab.Dashboard.StopAsync();
            var clock = Stopwatch.StartNew();
            int before;
            do
            {
                await Task.Delay(500);
                before = Links(notices).Count;
                await ExecuteAsync(connection, "SELECT 1");
            }
            while (Links(notices).Count > before && clock.Elapsed < TimeSpan.FromSeconds(30));

            Assert.Equal(before, Links(notices).Count);
            Assert.Equal(5, await ExecuteAsync(connection, "SELECT 5"));
            Assert.Equal(before, Links(notices).Count);
        }
    }
}
