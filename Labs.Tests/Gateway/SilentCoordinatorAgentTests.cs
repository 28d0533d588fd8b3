using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>
/// A worker's agent asks Paris's agent where each of Citus's statements belongs in the traces. When
/// Paris's agent is silent (hung, or slowed by a loaded laptop), the answer never comes: the span
/// must stand alone and the site must keep relaying. Seen in CI before the fix: Polly's timeout
/// escaped the agent's span loop, the agent stopped, and every link of its site dropped mid-bootstrap.
/// </summary>
public sealed class SilentCoordinatorAgentTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    [Fact]
    public async Task A_silent_paris_agent_costs_a_sites_spans_their_parent_never_its_links()
    {
        // Paris's agent, silent: it accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await silent.AcceptSocketAsync(stop.Token));
            }
        });

        var site = $"silent{Guid.NewGuid():N}"[..12];
        await using var agent = await TestAgent.StartAsync(fixture.Node, site,
            doorKeeper: ("agent-paris", new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}")));
        try
        {
            // A student's link, open the whole time.
            await using var student = await agent.OpenAsync();

            // Citus's own link (its application name carries the coordinator's global pid): each
            // statement's span waits for Paris's agent to say which client statement it belongs to.
            var citus = new NpgsqlConnectionStringBuilder(agent.GatewayConnectionString()) { ApplicationName = "citus_internal gpid=10000012345" };
            await using (var link = new NpgsqlConnection(citus.ConnectionString))
            {
                await link.OpenAsync();
                for (var i = 0; i < 3; i++)
                {
                    await using var select = new NpgsqlCommand($"SELECT {i} AS from_citus", link);
                    await select.ExecuteScalarAsync();
                }
            }

            // Each ask times out (2 tries of 2 s): the spans come, later, each a root of its own.
            var clock = Stopwatch.StartNew();
            List<Activity> alone = [];
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && alone.Count < 3)
            {
                await Task.Delay(250);
                alone = agent.Spans.Where(s => s.DisplayName == $"{site}: SELECT" && s.ParentSpanId == default).ToList();
            }

            Assert.True(alone.Count >= 3, $"expected the 3 SELECT spans of Citus's link, each alone, within 60 s; saw: {string.Join(", ", agent.Spans.Select(s => s.DisplayName))}");

            // The site still relays: the student's link that was open all along, and a new one.
            await using (var still = new NpgsqlCommand("SELECT 'still here'", student))
            {
                Assert.Equal("still here", await still.ExecuteScalarAsync());
            }

            await using var fresh = await agent.OpenAsync();
            await using var again = new NpgsqlCommand("SELECT 2", fresh);
            Assert.Equal(2, await again.ExecuteScalarAsync());
        }
        finally
        {
            await stop.CancelAsync();
            silent.Stop();
            await Task.WhenAny(accepting, Task.Delay(1000));
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }
}
