using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using MediAI.SiteAgents.Faults;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>Each fault has its observable effect on real traffic, and healing restores service.</summary>
public sealed class FaultTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static async Task<int> ScalarAsync(NpgsqlConnection connection, string sql = "SELECT 1")
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Down_drops_open_links_and_refuses_new_ones_until_restored()
    {
        await using var agent = await fixture.AgentAsync();
        await using var open = await agent.OpenAsync();
        Assert.Equal(1, await ScalarAsync(open));

        (await agent.Http.PostAsync("/presets/down", null)).EnsureSuccessStatusCode();
        await Assert.ThrowsAnyAsync<Exception>(() => ScalarAsync(open));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => agent.OpenAsync());

        (await agent.Http.PostAsync("/presets/restore", null)).EnsureSuccessStatusCode();
        await using var again = await agent.OpenAsync();
        Assert.Equal(1, await ScalarAsync(again));
    }

    [Fact]
    public async Task Latency_delays_every_round_trip_and_removing_it_heals()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        await agent.AddFaultAsync(new { name = "lag", type = "latency", stream = "downstream", attributes = new { latency = 300 } });
        var watch = Stopwatch.StartNew();
        Assert.Equal(1, await ScalarAsync(connection));
        Assert.True(watch.ElapsedMilliseconds >= 280, $"round trip took {watch.ElapsedMilliseconds} ms with 300 ms injected");

        (await agent.Http.DeleteAsync("/toxics/lag")).EnsureSuccessStatusCode();
        Assert.Equal(1, await ScalarAsync(connection));
        Assert.Empty(await agent.Http.GetFromJsonAsync<JsonElement[]>("/toxics") ?? []);
    }

    [Fact]
    public async Task Bandwidth_limits_the_rate()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        await agent.AddFaultAsync(new { type = "bandwidth", stream = "downstream", attributes = new { rate = 200 } }); // 200 KB/s
        var watch = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("SELECT repeat('x', 300 * 1024)", connection); // 300 KB
        Assert.Equal(300 * 1024, ((string)(await command.ExecuteScalarAsync())!).Length);
        Assert.True(watch.ElapsedMilliseconds >= 1_000, $"300 KB at 200 KB/s took only {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Timeout_stops_data_then_closes_the_link()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        // The timeout runs from when the fault applies to the link (Toxiproxy's timeout toxic).
        var watch = Stopwatch.StartNew();
        await agent.AddFaultAsync(new { type = "timeout", stream = "upstream", attributes = new { timeout = 500 } });
        await Assert.ThrowsAnyAsync<Exception>(() => ScalarAsync(connection));
        Assert.True(watch.ElapsedMilliseconds >= 450, $"closed after {watch.ElapsedMilliseconds} ms, before the 500 ms timeout");

        (await agent.Http.PostAsync("/reset", null)).EnsureSuccessStatusCode();
        await using var healed = await agent.OpenAsync();
        Assert.Equal(1, await ScalarAsync(healed));
    }

    [Fact]
    public async Task Reset_peer_resets_the_connection()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        await agent.AddFaultAsync(new { type = "reset_peer", stream = "upstream", attributes = new { timeout = 0 } });
        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(connection));
        Assert.NotNull(error);
    }

    private async Task<int> CountAsync(string table)
    {
        await using var direct = await fixture.Node.OpenAsync();
        return await ScalarAsync(direct, $"SELECT count(*) FROM {table}");
    }

    // psql sends each statement of a script as its own simple Query, as Citus sends its 2PC steps.

    [Fact]
    public async Task Fail_prepare_makes_the_site_vote_no_and_nothing_stays_prepared()
    {
        await using var agent = await fixture.AgentAsync();
        var table = await fixture.TableAsync();
        var gid = $"vote_no_{Guid.NewGuid():N}";
        (await agent.Http.PostAsync("/presets/fail-prepare", null)).EnsureSuccessStatusCode();

        var run = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\nROLLBACK;\n", stopOnError: false);
        Assert.Contains("votes NO", run.Error);
        Assert.DoesNotContain(gid, await fixture.Node.PreparedGidsAsync());
        Assert.Equal(0, await CountAsync(table));

        // One-shot: the next PREPARE goes through.
        var again = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\nCOMMIT PREPARED '{gid}';\n");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(1, await CountAsync(table));
    }

    [Fact]
    public async Task Drop_after_prepare_leaves_the_transaction_prepared_at_the_node()
    {
        await using var agent = await fixture.AgentAsync();
        var table = await fixture.TableAsync();
        var gid = $"in_doubt_{Guid.NewGuid():N}";
        (await agent.Http.PostAsync("/presets/drop-after-prepare", null)).EnsureSuccessStatusCode();

        // The acknowledgement arrives (psql prints it), then the link is gone: COMMIT PREPARED cannot reach the site.
        var run = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\nCOMMIT PREPARED '{gid}';\n");
        Assert.Contains("PREPARE TRANSACTION", run.Output);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(gid, await fixture.Node.PreparedGidsAsync());

        var status = await agent.Http.GetFromJsonAsync<JsonElement>("/status");
        Assert.Contains(status.GetProperty("preparedTransactions").EnumerateArray(), p => p.GetProperty("gid").GetString() == gid);

        // Recovery, as the coordinator would do it, through the healed gateway.
        var recover = await Psql.RunAsync(agent.Gateway.Port, $"COMMIT PREPARED '{gid}';\n");
        Assert.Equal(0, recover.ExitCode);
        Assert.Equal(1, await CountAsync(table));
    }

    [Fact]
    public async Task Drop_before_commit_prepared_keeps_the_node_in_doubt()
    {
        await using var agent = await fixture.AgentAsync();
        var table = await fixture.TableAsync();
        var gid = $"lost_commit_{Guid.NewGuid():N}";
        await agent.AddFaultAsync(new { type = "drop_before_commit_prepared" });
        var run = await Psql.RunAsync(agent.Gateway.Port, $"BEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\nCOMMIT PREPARED '{gid}';\n");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(gid, await fixture.Node.PreparedGidsAsync());
        Assert.Equal(0, await CountAsync(table));

        var rollback = await Psql.RunAsync(agent.Gateway.Port, $"ROLLBACK PREPARED '{gid}';\n");
        Assert.Equal(0, rollback.ExitCode);
        Assert.DoesNotContain(gid, await fixture.Node.PreparedGidsAsync());
    }

    [Fact]
    public async Task An_agent_that_restarts_has_no_faults_and_reaches_its_node()
    {
        var agent = await fixture.AgentAsync();
        await agent.AddFaultAsync(new { type = "latency", attributes = new { latency = 50 } });
        var site = agent.Site;
        await agent.DisposeAsync();

        await using var restarted = await TestAgent.StartAsync(fixture.Node, site);
        Assert.Empty(await restarted.Http.GetFromJsonAsync<JsonElement[]>("/toxics") ?? []);
        var status = await restarted.Http.GetFromJsonAsync<JsonElement>("/status");
        Assert.True(status.GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task A_fault_added_without_a_name_is_named_after_the_stream_it_acts_on_or_else_after_its_type()
    {
        await using var agent = await fixture.AgentAsync();
        try
        {
            // Without a stream: Toxiproxy's default, downstream, and its name says so.
            await agent.AddFaultAsync(new { type = "latency", attributes = new { latency = 1 } });
            // Every type, asked for upstream, with what each requires ('at' for the crash faults,
            // 'rate' for bandwidth, 'bytes' for limit_data; each type ignores the others').
            foreach (var type in FaultCatalog.Types.Keys)
            {
                await agent.AddFaultAsync(new { type, stream = "upstream", attributes = new { at = "prepared", rate = 1_000, bytes = 1_000_000 } });
            }

            // The others, asked for downstream under a name of the test's: the stream asked for changes nothing of theirs.
            var wholeLink = FaultCatalog.Types.Where(t => !t.Value.OnStream).Select(t => t.Key).ToList();
            foreach (var type in wholeLink)
            {
                await agent.AddFaultAsync(new { name = $"{type}-asked-downstream", type, stream = "downstream", attributes = new { at = "prepared" } });
            }

            var listed = (await agent.Http.GetFromJsonAsync<JsonElement[]>(AgentRoutes.Toxics))!
                .ToDictionary(f => f.GetProperty("name").GetString()!, f => (Type: f.GetProperty("type").GetString()!, Stream: f.GetProperty("stream").GetString()!));

            Assert.Equal(("latency", "downstream"), listed["latency_downstream"]);
            Assert.Equal(("latency", "upstream"), listed["latency_upstream"]);
            Assert.Equal(("timeout", "upstream"), listed["timeout_upstream"]);
            Assert.Equal("down", listed["down"].Type);
            Assert.Equal("fail_prepare", listed["fail_prepare"].Type);
            foreach (var (type, kind) in FaultCatalog.Types)
            {
                // A fault on a stream acts on the one asked for and is named after it; the others keep their type's name.
                var name = kind.OnStream ? $"{type}_upstream" : type;
                Assert.True(listed.TryGetValue(name, out var fault), $"no fault named {name} in {string.Join(", ", listed.Keys)}");
                Assert.Equal(type, fault.Type);
                if (kind.OnStream)
                {
                    Assert.Equal("upstream", fault.Stream);
                }
            }

            foreach (var type in wholeLink)
            {
                Assert.Equal(listed[type], listed[$"{type}-asked-downstream"]);
            }

            Assert.Equal(FaultCatalog.Types.Count + 1 + wholeLink.Count, listed.Count);
        }
        finally
        {
            (await agent.Http.PostAsync(AgentRoutes.Reset, null)).EnsureSuccessStatusCode();
        }
    }
}
