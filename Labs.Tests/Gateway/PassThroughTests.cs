using System.Diagnostics;
using System.Text;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>With no fault, the gateway is invisible: the same answers as a direct connection.</summary>
public sealed class PassThroughTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(v => v is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    [Fact]
    public async Task Extended_protocol_results_are_identical_to_a_direct_connection()
    {
        await using var agent = await fixture.AgentAsync();
        await using var direct = await fixture.Node.OpenAsync();
        await using var through = await agent.OpenAsync();
        const string sql = """
            SELECT g, g * 1.5, md5(g::text), repeat('é', g % 7), now()::date, ARRAY[g, g + 1], $1::text, $2::int, NULL::text
            FROM generate_series(1, 500) g
            """;
        Assert.Equal(await RowsAsync(direct, sql, "paramètre", 42), await RowsAsync(through, sql, "paramètre", 42));
    }

    [Fact]
    public async Task Large_rows_and_a_large_query_pass_whole()
    {
        await using var agent = await fixture.AgentAsync();
        await using var through = await agent.OpenAsync();
        var big = new string('x', 3 * 1024 * 1024) + "end";
        var echoed = await RowsAsync(through, "SELECT $1::text, length($1::text)", big);
        Assert.Equal($"{big}|{big.Length}", Assert.Single(echoed));

        // A simple-protocol query far over the gateway's inspection limit (16 KiB).
        var values = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"({i})"));
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM (VALUES {values}) v(x)", through);
        Assert.Equal(20_000L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Copy_in_and_out_pass_through()
    {
        await using var agent = await fixture.AgentAsync();
        await using var through = await agent.OpenAsync();
        var table = $"copy_{Guid.NewGuid():N}";
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (id int, payload text)", through))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var importer = await through.BeginBinaryImportAsync($"COPY {table} (id, payload) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < 20_000; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(i);
                await importer.WriteAsync($"row {i} {new string('p', i % 50)}");
            }

            await importer.CompleteAsync();
        }

        var exported = new StringBuilder();
        using (var reader = await through.BeginTextExportAsync($"COPY (SELECT id, payload FROM {table} ORDER BY id) TO STDOUT"))
        {
            exported.Append(await reader.ReadToEndAsync());
        }

        await using var direct = await fixture.Node.OpenAsync();
        var expected = new StringBuilder();
        using (var reader = await direct.BeginTextExportAsync($"COPY (SELECT id, payload FROM {table} ORDER BY id) TO STDOUT"))
        {
            expected.Append(await reader.ReadToEndAsync());
        }

        Assert.Equal(20_000, exported.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(expected.ToString(), exported.ToString());
    }

    [Fact]
    public async Task Psql_simple_protocol_output_is_identical()
    {
        await using var agent = await fixture.AgentAsync();
        const string sql = "SELECT n, n * n AS square FROM generate_series(1, 20) n; SELECT 'two statements', current_database();";
        Assert.Equal(await PsqlAsync(fixture.Node.Port, sql), await PsqlAsync(agent.Gateway.Port, sql));
    }

    private static async Task<string> PsqlAsync(int port, string sql)
    {
        var (exitCode, output, error) = await Psql.CommandAsync(port, sql);
        Assert.True(exitCode == 0, error);
        return output;
    }

    [Fact]
    public async Task Many_concurrent_connections_are_served()
    {
        await using var agent = await fixture.AgentAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await using var connection = await agent.OpenAsync();
            var sum = 0L;
            for (var q = 0; q < 10; q++)
            {
                await using var command = new NpgsqlCommand("SELECT $1::int + $2::int", connection) { Parameters = { new() { Value = i }, new() { Value = q } } };
                sum += (int)(await command.ExecuteScalarAsync())!;
            }

            return sum;
        }));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => 10L * i + 45).ToArray(), results);
    }
}
