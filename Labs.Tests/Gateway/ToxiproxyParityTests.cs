using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// Toxiproxy's other toxics, each with its observable effect on real PostgreSQL traffic through a
/// site agent: slicer, limit_data, slow_close, and toxicity (the share of links a fault acts on).
/// </summary>
public sealed class ToxiproxyParityTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static async Task<string> TextAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Slicer_delivers_every_byte_in_small_delayed_writes()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        var watch = Stopwatch.StartNew();
        Assert.Equal(5_000, (await TextAsync(connection, "SELECT repeat('x', 5000)")).Length);
        var plain = watch.Elapsed;

        // 5,000 bytes in writes of 50 ± 10: at least 83 writes, 2 ms apart.
        await agent.AddFaultAsync(new { type = "slicer", stream = "downstream", attributes = new { average_size = 50, size_variation = 10, delay = 2_000 } });
        watch.Restart();
        Assert.Equal(new string('y', 5_000), await TextAsync(connection, "SELECT repeat('y', 5000)"));
        Assert.True(watch.ElapsedMilliseconds >= 160, $"sliced: {watch.ElapsedMilliseconds} ms (unsliced: {plain.TotalMilliseconds:0} ms)");
    }

    [Fact]
    public async Task Limit_data_closes_a_link_once_it_has_carried_its_bytes_and_spares_the_others()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        await agent.AddFaultAsync(new { name = "cap", type = "limit_data", stream = "downstream", attributes = new { bytes = 20_000 } });

        // Under the cap: answered. Over it, on the same link: the link is cut mid-result.
        Assert.Equal(10_000, (await TextAsync(connection, "SELECT repeat('a', 10000)")).Length);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => TextAsync(connection, "SELECT repeat('b', 50000)"));

        // Counted per link: a new link has its own 20,000 bytes.
        await using var fresh = await agent.OpenAsync();
        Assert.Equal(10_000, (await TextAsync(fresh, "SELECT repeat('c', 10000)")).Length);

        using var bad = await agent.Http.PostAsJsonAsync("/toxics", new { type = "limit_data", attributes = new { } });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("attributes.bytes", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Slow_close_keeps_a_link_open_for_its_delay_after_the_node_closed_it()
    {
        await using var agent = await fixture.AgentAsync();
        await agent.AddFaultAsync(new { type = "slow_close", stream = "downstream", attributes = new { delay = 1_500 } });
        await using var connection = await agent.OpenAsync();
        await using (var pid = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
        {
            var backend = (int)(await pid.ExecuteScalarAsync())!;
            Assert.Equal(1, await OpenLinksAsync(agent));

            // The node ends the session (an administrator, a crash): it closes its side first.
            await using var direct = await fixture.Node.OpenAsync();
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({backend})", direct);
            Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
        }

        var closed = Stopwatch.StartNew();
        await Task.Delay(700);
        Assert.Equal(1, await OpenLinksAsync(agent)); // still open to the client, 0.7 s later

        while (await OpenLinksAsync(agent) > 0)
        {
            Assert.True(closed.Elapsed < TimeSpan.FromSeconds(10), "the link never closed");
            await Task.Delay(100);
        }

        Assert.True(closed.ElapsedMilliseconds >= 1_400, $"closed after {closed.ElapsedMilliseconds} ms, before the 1,500 ms delay");
    }

    [Fact]
    public async Task Toxicity_acts_on_that_share_of_links_and_the_same_fault_picks_the_same_links()
    {
        await using var agent = await fixture.AgentAsync();
        var links = new List<NpgsqlConnection>();
        for (var i = 0; i < 20; i++)
        {
            var link = new NpgsqlConnection(agent.GatewayConnectionString());
            await link.OpenAsync();
            links.Add(link);
        }

        try
        {
            async Task<bool[]> SlowAsync()
            {
                var slow = new bool[links.Count];
                for (var i = 0; i < links.Count; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await using var command = new NpgsqlCommand("SELECT 1", links[i]);
                    await command.ExecuteScalarAsync();
                    slow[i] = watch.ElapsedMilliseconds >= 300; // affected: at least 400 ms; a 100 ms margin for a loaded machine
                }

                return slow;
            }

            object Lag(double toxicity) => new { name = "half", type = "latency", stream = "upstream", toxicity, attributes = new { latency = 400 } };

            await agent.AddFaultAsync(Lag(0.5));
            var first = await SlowAsync();
            var affected = first.Count(s => s);
            Assert.InRange(affected, 4, 16);

            // The same fault again (a campaign replayed): the same links.
            (await agent.Http.DeleteAsync("/toxics/half")).EnsureSuccessStatusCode();
            await agent.AddFaultAsync(Lag(0.5));
            Assert.Equal(first, await SlowAsync());

            (await agent.Http.DeleteAsync("/toxics/half")).EnsureSuccessStatusCode();
            await agent.AddFaultAsync(Lag(0));
            Assert.DoesNotContain(true, await SlowAsync());

            var shown = await agent.Http.GetFromJsonAsync<JsonElement[]>("/toxics") ?? [];
            Assert.Equal(0, shown.Single().GetProperty("attributes").GetProperty("toxicity").GetDouble());

            using var bad = await agent.Http.PostAsJsonAsync("/toxics", new { type = "latency", toxicity = 1.5 });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("toxicity", await bad.Content.ReadAsStringAsync());
        }
        finally
        {
            foreach (var link in links)
            {
                await link.DisposeAsync();
            }
        }
    }

    private static async Task<int> OpenLinksAsync(TestAgent agent) =>
        (await agent.Http.GetFromJsonAsync<JsonElement>("/status")).GetProperty("openConnections").GetInt32();
}
