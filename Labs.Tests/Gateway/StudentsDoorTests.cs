using System.Diagnostics;
using MediAI.AppHost;
using MediAI.AppHost.Setup;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// The students' door (Paris's agent on port 5432 in the lab): psql reaches the coordinator
/// through it, faults never touch it, and when the node is not running psql gets a FATAL naming
/// the site and what to do, at once, instead of a port that accepts and waits.
/// </summary>
public sealed class StudentsDoorTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static int FreePort() => TestPorts.ForServer();

    private static async Task<int> ScalarAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_door_relays_to_the_node_and_faults_act_on_the_gateway_only()
    {
        var door = FreePort();
        await using var agent = await TestAgent.StartAsync(fixture.Node, $"door{Guid.NewGuid():N}"[..12], clientPort: door);
        await using var student = new NpgsqlConnection(TestPostgres.ConnectionStringFor(door, "postgres"));
        await student.OpenAsync();
        Assert.Equal(1, await ScalarAsync(student));

        (await agent.Http.PostAsync("/presets/down", null)).EnsureSuccessStatusCode();

        // The site is "down" for the other nodes (the gateway refuses), not for the student's session.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => agent.OpenAsync());
        Assert.Equal(1, await ScalarAsync(student));
        await using var another = new NpgsqlConnection(TestPostgres.ConnectionStringFor(door, "postgres"));
        await another.OpenAsync();
        Assert.Equal(1, await ScalarAsync(another));
    }

    [Fact]
    public async Task Psql_at_the_door_of_a_stopped_node_fails_at_once_naming_the_site_and_what_to_do()
    {
        await using var node = await TestPostgres.StartAsync(Installations.Plain, "doornode");
        var door = FreePort();
        await using var agent = await TestAgent.StartAsync(node, $"door{Guid.NewGuid():N}"[..12], city: "Paris", clientPort: door);
        await node.StopAsync();

        var clock = Stopwatch.StartNew();
        var psql = await Psql.CommandAsync(door, "SELECT 1", host: "localhost");
        clock.Stop();
        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains("FATAL:  the Paris node (test node) is not running: the MediAI lab cannot reach it", psql.Error);
        Assert.Contains("HINT:  Start it again: in the Aspire dashboard", psql.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"psql took {clock.Elapsed.TotalSeconds:0.0} s");

        // Npgsql (the lab's services, DBeaver's driver family) sees the same error, with its SQLSTATE.
        await using var npgsql = new NpgsqlConnection(TestPostgres.ConnectionStringFor(door, "postgres"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => npgsql.OpenAsync());
        Assert.Equal("57P03", error.SqlState);
    }

    [Fact]
    public async Task With_statement_spans_off_the_door_only_relays()
    {
        var door = FreePort();
        await using var traced = await TestAgent.StartAsync(fixture.Node, $"door{Guid.NewGuid():N}"[..12], clientPort: door);
        var quiet = FreePort();
        await using var untraced = await TestAgent.StartAsync(fixture.Node, $"door{Guid.NewGuid():N}"[..12], clientPort: quiet, traceStatements: false);

        foreach (var port in new[] { door, quiet })
        {
            var psql = await Psql.CommandAsync(port, "SELECT 6 * 7");
            Assert.Contains("42", psql.Output);
        }

        for (var i = 0; i < 100 && traced.Spans.Count == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Single(traced.Spans, s => s.DisplayName == "SELECT 6 * 7");
        Assert.Empty(untraced.Spans);
    }
}
