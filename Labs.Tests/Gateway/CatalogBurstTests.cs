using System.Diagnostics;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// A GUI client's catalog queries at the students' door: DBeaver's burst on connect is one trace
/// ("catalog queries (DBeaver …)"), while what the student types stays one trace per statement —
/// even a catalog table typed by hand, and SHOW typed in psql.
/// </summary>
public sealed class CatalogBurstTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private const string DBeaver = "DBeaver 24.1.0 - Metadata <postgres>";

    /// <summary>What DBeaver (pgjdbc, extended protocol) sends when it opens a connection's metadata.</summary>
    private static readonly string[] OnConnect =
    [
        "select current_schema(),session_user",
        "SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'",
        "SELECT version()",
        "SHOW search_path",
        "SELECT db.oid,db.datname,db.encoding FROM pg_catalog.pg_database db WHERE datname='postgres'",
        "SELECT n.oid,n.nspname,d.description FROM pg_catalog.pg_namespace n LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass ORDER BY nspname",
    ];

    [Fact]
    public async Task DBeavers_catalog_queries_are_one_trace_and_the_students_statements_keep_their_own()
    {
        var door = TestPorts.ForServer();
        await using var agent = await TestAgent.StartAsync(fixture.Node, $"cat{Guid.NewGuid():N}"[..12], clientPort: door);
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionStringFor(door, "postgres")) { ApplicationName = DBeaver, Pooling = false };
        await using (var dbeaver = new NpgsqlConnection(builder.ConnectionString))
        {
            await dbeaver.OpenAsync();
            foreach (var sql in OnConnect)
            {
                await using var command = new NpgsqlCommand(sql, dbeaver);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }

            // The student's own query from DBeaver's editor: a trace of its own, and the burst is over.
            await using var own = new NpgsqlCommand("SELECT 42 AS answer", dbeaver);
            Assert.Equal(42, await own.ExecuteScalarAsync());
        }

        // Typed in psql: a catalog table by hand, and SHOW (simple protocol): one trace each.
        Assert.Equal(0, (await Psql.CommandAsync(door, "SELECT count(*) FROM pg_class")).ExitCode);
        Assert.Equal(0, (await Psql.CommandAsync(door, "SHOW search_path")).ExitCode);

        Activity? burst = null;
        for (var i = 0; i < 100 && burst is null; i++)
        {
            burst = agent.Spans.SingleOrDefault(s => s.DisplayName == $"catalog queries ({DBeaver})");
            await Task.Delay(50);
        }

        Assert.NotNull(burst);
        Assert.Equal(default, burst.ParentSpanId);
        var children = agent.Spans.Where(s => s.ParentSpanId == burst.SpanId).Select(s => (string)s.GetTagItem("db.query.text")!).ToList();
        Assert.Equal(OnConnect, children);
        Assert.Equal(OnConnect.Length, burst.GetTagItem("mediai.catalog.statements"));
        Assert.True(burst.StartTimeUtc + burst.Duration <= agent.Spans.Single(s => s.DisplayName == "SELECT 42 AS answer").StartTimeUtc);

        foreach (var typed in new[] { "SELECT 42 AS answer", "SELECT count(*) FROM pg_class", "SHOW search_path" })
        {
            var root = Assert.Single(agent.Spans, s => s.DisplayName == typed && s.ParentSpanId == default);
            Assert.Equal(true, root.GetTagItem("mediai.client"));
        }

        Assert.Single(agent.Spans, s => s.DisplayName.StartsWith("catalog queries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_burst_with_nothing_after_it_ends_on_its_own_after_a_quiet_second()
    {
        var door = TestPorts.ForServer();
        await using var agent = await TestAgent.StartAsync(fixture.Node, $"cat{Guid.NewGuid():N}"[..12], clientPort: door);
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionStringFor(door, "postgres")) { ApplicationName = DBeaver, Pooling = false };
        await using var dbeaver = new NpgsqlConnection(builder.ConnectionString);
        await dbeaver.OpenAsync();
        foreach (var sql in OnConnect[..2])
        {
            await using var command = new NpgsqlCommand(sql, dbeaver);
            await command.ExecuteScalarAsync();
        }

        // The connection stays open and idle, as DBeaver's metadata connection does.
        Activity? burst = null;
        for (var i = 0; i < 100 && burst is null; i++)
        {
            burst = agent.Spans.SingleOrDefault(s => s.DisplayName == $"catalog queries ({DBeaver})");
            await Task.Delay(50);
        }

        Assert.NotNull(burst);
        Assert.Equal(2, agent.Spans.Count(s => s.ParentSpanId == burst.SpanId));
    }
}
