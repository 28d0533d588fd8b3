using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// The crash faults and the node API on a real PostgreSQL server run as local mode runs it: a
/// kill is PostgreSQL's own crash (every session ends, crash recovery, back by itself), and what
/// was prepared before it survives it. Their own node: no other gateway test is crashed with it.
/// </summary>
public sealed class CrashFaultTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static async Task StartAsync(TestAgent agent)
    {
        using var start = await agent.Http.PostAsync("/node/start", null);
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("prepared", true)]
    [InlineData("prepare", false)]
    public async Task A_node_killed_at_a_2PC_moment_comes_back_holding_exactly_what_it_had_prepared(string at, bool survives)
    {
        await using var agent = await fixture.AgentAsync();
        var table = await fixture.TableAsync();
        var gid = $"crash_{at}_{Guid.NewGuid():N}";
        await agent.AddFaultAsync(new { type = "crash_node", attributes = new { at } });
        var before = DateTime.UtcNow;

        var run = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\n");
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("PREPARE TRANSACTION", run.Output); // the answer never reached the client

        await StartAsync(agent);
        Assert.Equal(survives, (await fixture.Node.PreparedGidsAsync()).Contains(gid));
        Assert.Empty(await agent.Http.GetFromJsonAsync<JsonElement[]>("/toxics") ?? []); // it fired once

        // Its span names the moment and the gid (emitted once its transaction's trace is known, or after 3 s without it).
        bool IsKill(System.Diagnostics.Activity s) => s.DisplayName == "crash: Testville node killed" && s.StartTimeUtc >= before;
        for (var i = 0; i < 100 && !agent.Spans.Any(IsKill); i++)
        {
            await Task.Delay(100);
        }

        var kill = Assert.Single(agent.Spans, IsKill);
        Assert.Equal(at, kill.GetTagItem("mediai.2pc.moment"));
        Assert.Equal(gid, kill.GetTagItem("mediai.2pc.gid"));

        if (survives)
        {
            await using var direct = await fixture.Node.OpenAsync();
            await using var rollback = new NpgsqlCommand($"ROLLBACK PREPARED '{gid}'", direct);
            await rollback.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_kill_by_hand_ends_every_session_and_the_node_is_back_by_itself_in_local_mode()
    {
        await using var agent = await fixture.AgentAsync();
        await using var open = await agent.OpenAsync();

        using var kill = await agent.Http.PostAsync("/node/kill", null);
        var killed = await kill.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(kill.IsSuccessStatusCode, killed.ToString());
        Assert.Equal("kill", killed.GetProperty("action").GetString());
        Assert.Contains("crash recovery", killed.GetProperty("outcome").GetString());

        // The open session went with the crash; a new one works.
        await using var broken = new NpgsqlCommand("SELECT 1", open);
        await Assert.ThrowsAnyAsync<Exception>(() => broken.ExecuteScalarAsync());
        await using var again = await agent.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT 1", again);
        Assert.Equal(1, await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Stop_in_local_mode_says_what_to_do_and_a_wrong_moment_is_named()
    {
        await using var agent = await fixture.AgentAsync();

        using var stop = await agent.Http.PostAsync("/node/stop", null);
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Equal("application/problem+json", stop.Content.Headers.ContentType?.MediaType);
        var problem = await stop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("stop it in the dashboard", problem.GetProperty("detail").GetString());

        using var wrong = await agent.Http.PostAsJsonAsync("/toxics", new { type = "crash_coordinator", attributes = new { at = "prepare" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("prepared, commit_prepared", errors.GetProperty("attributes.at")[0].GetString());
    }
}
