using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// The message-aware delays (delay_commit_prepared, delay_prepare) on real traffic: the step is held
/// before the node sees it, the rest of the link's traffic waits with it, and nothing stays held once
/// the fault is removed or the link is dropped. Holds are long (60 s) and ended by the test, so that
/// no assertion depends on how fast this machine is.
/// </summary>
public sealed class HoldFaultTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static readonly TimeSpan Released = TimeSpan.FromSeconds(20);

    private async Task<long> CountAsync(string table)
    {
        await using var direct = await fixture.Node.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", direct);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A transaction prepared at the node through the gateway, left for the test to commit.</summary>
    private async Task<(string Table, string Gid)> PreparedAsync(TestAgent agent)
    {
        var table = await fixture.TableAsync();
        var gid = $"held_{Guid.NewGuid():N}";
        var prepare = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\n");
        Assert.Equal(0, prepare.ExitCode);
        return (table, gid);
    }

    private static async Task<JsonElement[]> FaultsAsync(TestAgent agent) => await agent.Http.GetFromJsonAsync<JsonElement[]>(AgentRoutes.Toxics) ?? [];

    [Fact]
    public async Task Commit_prepared_is_held_before_the_node_sees_it_and_released_at_once_when_the_fault_is_removed()
    {
        await using var agent = await fixture.AgentAsync();
        var (table, gid) = await PreparedAsync(agent);
        await agent.AddFaultAsync(new { name = "hold", type = "delay_commit_prepared", attributes = new { delay = 60_000 } });

        var commit = Psql.RunAsync(agent.Gateway.Port, $"COMMIT PREPARED '{gid}';\n");
        await Task.Delay(1_000);
        Assert.False(commit.IsCompleted, "COMMIT PREPARED answered while held");
        Assert.Contains(gid, await fixture.Node.PreparedGidsAsync());
        Assert.Equal(0, await CountAsync(table)); // the node has not seen it: the row is not visible

        (await agent.Http.DeleteAsync($"{AgentRoutes.Toxics}/hold")).EnsureSuccessStatusCode();
        var done = await commit.WaitAsync(Released);
        Assert.Equal(0, done.ExitCode);
        Assert.Equal(1, await CountAsync(table));
        Assert.DoesNotContain(gid, await fixture.Node.PreparedGidsAsync());
    }

    [Fact]
    public async Task Without_every_only_the_next_step_is_held_then_the_fault_is_gone_with_every_each_one_is()
    {
        await using var agent = await fixture.AgentAsync();
        var (_, first) = await PreparedAsync(agent);
        await agent.AddFaultAsync(new { type = "delay_commit_prepared", attributes = new { delay = 200 } });
        Assert.Equal(0, (await Psql.RunAsync(agent.Gateway.Port, $"COMMIT PREPARED '{first}';\n")).ExitCode);
        Assert.Empty(await FaultsAsync(agent)); // one-shot: removed once it acted

        // every: the fault stays after each PREPARE it held.
        var table = await fixture.TableAsync();
        await agent.AddFaultAsync(new { name = "each", type = "delay_prepare", attributes = new { delay = 100, every = true } });
        for (var i = 0; i < 2; i++)
        {
            var gid = $"each_{i}_{Guid.NewGuid():N}";
            var run = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES ({i});\nPREPARE TRANSACTION '{gid}';\nCOMMIT PREPARED '{gid}';\n");
            Assert.Equal(0, run.ExitCode);
            var listed = Assert.Single(await FaultsAsync(agent));
            Assert.Equal("delay_prepare", listed.GetProperty("type").GetString());
            Assert.True(listed.GetProperty("attributes").GetProperty("every").GetBoolean());
        }

        Assert.Equal(2, await CountAsync(table));
    }

    [Fact]
    public async Task A_link_dropped_while_its_prepare_is_held_takes_the_message_with_it()
    {
        await using var agent = await fixture.AgentAsync();
        var table = await fixture.TableAsync();
        var gid = $"dropped_{Guid.NewGuid():N}";
        await agent.AddFaultAsync(new { type = "delay_prepare", attributes = new { delay = 60_000 } });
        var run = Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\n");
        await Task.Delay(1_000);
        Assert.False(run.IsCompleted, "PREPARE TRANSACTION answered while held");

        // The site goes down: its open links are dropped, the held one at once, and the PREPARE never reaches the node.
        (await agent.Http.PostAsync(AgentRoutes.Down, null)).EnsureSuccessStatusCode();
        var ended = await run.WaitAsync(Released);
        Assert.NotEqual(0, ended.ExitCode);
        Assert.DoesNotContain(gid, await fixture.Node.PreparedGidsAsync());
        Assert.Equal(0, await CountAsync(table));
        // The one-shot hold is spent with its link (as the link unwinds): only "down" is left to heal.
        var left = await FaultsAsync(agent);
        for (var i = 0; i < 50 && left.Length > 1; i++)
        {
            await Task.Delay(100);
            left = await FaultsAsync(agent);
        }

        Assert.Equal(["down"], left.Select(f => f.GetProperty("type").GetString()));
        (await agent.Http.PostAsync(AgentRoutes.Reset, null)).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("delay_commit_prepared", """{"delay": 60001}""", "attributes.delay", "must be a whole number from 0 to 60000")]
    [InlineData("delay_prepare", """{"delay": -1}""", "attributes.delay", "must be a whole number from 0 to 60000")]
    [InlineData("delay_commit_prepared", """{"every": "yes"}""", "attributes.every", "must be true or false")]
    [InlineData("delay_prepare", """{"every": 1}""", "attributes.every", "must be true or false")]
    public async Task A_delay_outside_its_bounds_or_an_every_that_is_not_a_boolean_is_refused_naming_the_field(string type, string attributes, string field, string message)
    {
        await using var agent = await fixture.AgentAsync();
        var body = JsonContent.Create(new { type, attributes = JsonSerializer.Deserialize<JsonElement>(attributes) });
        using var response = await agent.Http.PostAsync(AgentRoutes.Toxics, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Empty(await FaultsAsync(agent));
    }

    [Fact]
    public async Task The_dashboard_presets_hold_the_next_step_three_seconds_and_asking_twice_leaves_one()
    {
        await using var agent = await fixture.AgentAsync();
        foreach (var (route, type) in new[] { (AgentRoutes.HoldCommitPrepared, "delay_commit_prepared"), (AgentRoutes.HoldPrepare, "delay_prepare") })
        {
            (await agent.Http.PostAsync(route, null)).EnsureSuccessStatusCode();
            (await agent.Http.PostAsync(route, null)).EnsureSuccessStatusCode();
            var held = Assert.Single(await FaultsAsync(agent), f => f.GetProperty("type").GetString() == type);
            Assert.Equal(3_000, held.GetProperty("attributes").GetProperty("delay").GetInt32());
            Assert.False(held.GetProperty("attributes").GetProperty("every").GetBoolean());
        }

        (await agent.Http.PostAsync(AgentRoutes.Reset, null)).EnsureSuccessStatusCode();
        Assert.Empty(await FaultsAsync(agent));
    }
}
