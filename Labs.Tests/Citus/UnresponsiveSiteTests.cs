using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Citus;

/// <summary>
/// A statement that needs a site that does not answer fails within the lab's bounds
/// (LabTimeouts: 5 s to open a link; 10 s of silence on an open one, twice: about 20 s), with an error that names the
/// node and carries its SQLSTATE, instead of hanging on Citus's and the kernel's defaults.
/// </summary>
[NeedsCitus]
[Collection(CitusCluster.Collection)]
public sealed class UnresponsiveSiteTests(CitusCluster cluster)
{
    private const string JapanCount = "SELECT count(*) FROM Patients WHERE country = 'Japan'";

    private async Task SilenceTokyoAsync()
    {
        using var add = await cluster.Agent("tokyo").Http.PostAsJsonAsync("/toxics",
            new { name = "silent", type = "timeout", stream = "upstream", attributes = new { timeout = 0 } });
        Assert.True(add.IsSuccessStatusCode, await add.Content.ReadAsStringAsync());
    }

    private async Task HealTokyoAsync() => (await cluster.Agent("tokyo").Http.PostAsync("/reset", null)).EnsureSuccessStatusCode();

    private static async Task<(PostgresException Error, TimeSpan Took)> FailsAsync(NpgsqlConnection connection)
    {
        var watch = Stopwatch.StartNew();
        await using var count = new NpgsqlCommand(JapanCount, connection) { CommandTimeout = 120 };
        var error = await Assert.ThrowsAsync<PostgresException>(() => count.ExecuteScalarAsync());
        return (error, watch.Elapsed);
    }

    [Fact]
    public async Task A_new_link_to_a_silent_site_fails_after_5_s_naming_the_node()
    {
        Installations.RequireCitus();
        await SilenceTokyoAsync();
        try
        {
            // A new session: Citus opens its link to Tokyo now, and Tokyo does not answer.
            await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
            var (error, took) = await FailsAsync(connection);
            Assert.Equal("08006", error.SqlState);
            Assert.Equal($"could not establish any connections to the node 127.0.0.1:{cluster.Agent("tokyo").Gateway.Port} after 5000 ms", error.MessageText);
            Assert.InRange(took, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(9));
        }
        finally
        {
            await HealTokyoAsync();
        }
    }

    [Fact]
    public async Task An_open_link_to_a_site_that_goes_silent_fails_after_10_s_naming_the_node()
    {
        Installations.RequireCitus();
        await using var connection = await cluster.Coordinator.OpenAsync("mediAI");
        await using (var warm = new NpgsqlCommand(JapanCount, connection))
        {
            Assert.Equal(5L, await warm.ExecuteScalarAsync()); // the link to Tokyo is open and cached
        }

        await SilenceTokyoAsync();
        try
        {
            var (error, took) = await FailsAsync(connection);
            Assert.Contains($"127.0.0.1:{cluster.Agent("tokyo").Gateway.Port}", error.MessageText);
            Assert.False(string.IsNullOrEmpty(error.SqlState));
            // Measured: 20 s — the link is reset after 10 s of silence, and Citus's next attempt on it
            // meets the silence again before the statement fails ("connection not open", 08006).
            Assert.InRange(took, TimeSpan.FromSeconds(9.5), TimeSpan.FromSeconds(25));
        }
        finally
        {
            await HealTokyoAsync();
        }
    }

    [Fact]
    public async Task Through_the_api_the_silent_site_is_named_in_a_problem_with_its_sqlstate()
    {
        Installations.RequireCitus();
        await using var api = await TestCoordinator.StartAsync(LabConfig.For(cluster.Nodes, gateways: cluster.Agents).Value);
        await SilenceTokyoAsync();
        try
        {
            using var response = await api.Http.PostAsJsonAsync("/query", new { sql = JapanCount });
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout, $"{(int)response.StatusCode} {problem}");
            Assert.Contains("Tokyo", problem.GetProperty("detail").GetString());
            Assert.Equal("08006", problem.GetProperty("sqlState").GetString());
        }
        finally
        {
            await HealTokyoAsync();
        }
    }
}
