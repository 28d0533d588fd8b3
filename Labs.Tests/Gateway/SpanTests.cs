using System.Diagnostics;
using MediAI.Labs.Tests.Infrastructure;
using Npgsql;

namespace MediAI.Labs.Tests.Gateway;

/// <summary>What the agent makes of what it relays: spans, under the trace that rode in SET LOCAL.</summary>
public sealed class SpanTests(GatewayNode fixture) : IClassFixture<GatewayNode>
{
    private static async Task<IReadOnlyList<Activity>> WaitForSpansAsync(TestAgent agent, Func<IReadOnlyList<Activity>, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var spans = agent.Spans;
            if (done(spans))
            {
                return spans;
            }

            await Task.Delay(50);
        }

        return agent.Spans;
    }

    [Fact]
    public async Task Statements_and_2pc_steps_join_the_trace_given_in_set_local()
    {
        await using var agent = await fixture.AgentAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var parent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
        var table = $"t_{Guid.NewGuid():N}";
        var gid = $"traced_{Guid.NewGuid():N}";
        await using (var direct = await fixture.Node.OpenAsync())
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (x int)", direct))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var connection = await agent.OpenAsync())
        {
            // As Citus sends it: BEGIN, SET LOCAL and assign_distributed_transaction_id in one simple query.
            await using var begin = new NpgsqlCommand($"BEGIN; SET LOCAL mediai.traceparent = '{parent}'; SELECT 1 AS assign_distributed_transaction_id", connection);
            await begin.ExecuteNonQueryAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO {table} VALUES ($1)", connection) { Parameters = { new() { Value = 5 } } };
            await insert.ExecuteNonQueryAsync();
            await using var prepare = new NpgsqlCommand($"PREPARE TRANSACTION '{gid}'", connection);
            await prepare.ExecuteNonQueryAsync();
        }

        // COMMIT PREPARED on another connection, after the transaction ended: still the same trace.
        await using (var other = await agent.OpenAsync())
        await using (var commit = new NpgsqlCommand($"COMMIT PREPARED '{gid}'", other))
        {
            await commit.ExecuteNonQueryAsync();
        }

        var spans = await WaitForSpansAsync(agent, s => s.Any(a => a.DisplayName.EndsWith("COMMIT PREPARED", StringComparison.Ordinal)));
        var traced = spans.Where(s => s.TraceId == traceId).ToList();
        var insertSpan = Assert.Single(traced, s => s.DisplayName.Contains("INSERT", StringComparison.Ordinal));
        Assert.Equal("INSERT 0 1", insertSpan.GetTagItem("db.response.command_tag"));
        Assert.Equal(1L, insertSpan.GetTagItem("db.response.returned_rows"));
        Assert.Equal("postgresql", insertSpan.GetTagItem("db.system.name"));
        Assert.Equal("postgres", insertSpan.GetTagItem("db.namespace"));
        Assert.Equal(agent.Site, insertSpan.GetTagItem("mediai.site"));
        Assert.Contains(table, (string)insertSpan.GetTagItem("db.query.text")!);

        var prepareSpan = Assert.Single(traced, s => s.DisplayName == $"{agent.Site}: PREPARE TRANSACTION");
        Assert.Equal(gid, prepareSpan.GetTagItem("db.transaction.gid"));
        var commitSpan = Assert.Single(traced, s => s.DisplayName == $"{agent.Site}: COMMIT PREPARED");
        Assert.Equal(gid, commitSpan.GetTagItem("db.transaction.gid"));
    }

    [Fact]
    public async Task A_read_names_the_transactions_prepared_here_and_not_yet_decided_and_links_to_their_traces()
    {
        await using var agent = await fixture.AgentAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var table = $"t_{Guid.NewGuid():N}";
        var gid = $"pending_{Guid.NewGuid():N}";
        await using (var direct = await fixture.Node.OpenAsync())
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (x int)", direct))
        {
            await create.ExecuteNonQueryAsync();
        }

        async Task<long> ReadAsync(string label)
        {
            await using var connection = await agent.OpenAsync();
            await using var read = new NpgsqlCommand($"SELECT count(*) AS {label} FROM {table}", connection);
            return (long)(await read.ExecuteScalarAsync())!;
        }

        Assert.Equal(0, await ReadAsync("before_prepare"));
        await using (var connection = await agent.OpenAsync())
        {
            await using var begin = new NpgsqlCommand($"BEGIN; SET LOCAL mediai.traceparent = '00-{traceId}-{ActivitySpanId.CreateRandom()}-01'", connection);
            await begin.ExecuteNonQueryAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO {table} VALUES (1)", connection);
            await insert.ExecuteNonQueryAsync();
            await using var prepare = new NpgsqlCommand($"PREPARE TRANSACTION '{gid}'", connection);
            await prepare.ExecuteNonQueryAsync();
        }

        // Prepared, not decided: the row is invisible here, and the read says why.
        Assert.Equal(0, await ReadAsync("while_prepared"));
        await using (var other = await agent.OpenAsync())
        await using (var commit = new NpgsqlCommand($"COMMIT PREPARED '{gid}'", other))
        {
            await commit.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await ReadAsync("after_commit"));

        var spans = await WaitForSpansAsync(agent, s => s.Count(a => a.DisplayName.EndsWith(": SELECT", StringComparison.Ordinal)) == 3);
        Activity Read(string label) => Assert.Single(spans, a => ((string?)a.GetTagItem("db.query.text"))?.Contains(label, StringComparison.Ordinal) == true);
        Assert.Equal(Array.Empty<string>(), (string[]?)Read("before_prepare").GetTagItem("mediai.read.pending_prepared_gids"));
        Assert.Empty(Read("before_prepare").Links);
        Assert.Equal(new[] { gid }, (string[]?)Read("while_prepared").GetTagItem("mediai.read.pending_prepared_gids"));
        var link = Assert.Single(Read("while_prepared").Links);
        Assert.Equal(traceId, link.Context.TraceId);
        Assert.Equal(Assert.Single(spans, a => a.DisplayName == $"{agent.Site}: PREPARE TRANSACTION").SpanId, link.Context.SpanId); // one click to the vote
        Assert.Contains(new KeyValuePair<string, object?>("db.transaction.gid", gid), link.Tags!);
        Assert.Equal(Array.Empty<string>(), (string[]?)Read("after_commit").GetTagItem("mediai.read.pending_prepared_gids"));
        Assert.Empty(Read("after_commit").Links);

        // Writes and the 2PC steps themselves carry no such list: only reads are explained by it.
        Assert.All(spans.Where(a => !a.DisplayName.EndsWith(": SELECT", StringComparison.Ordinal)),
            a => Assert.Null(a.GetTagItem("mediai.read.pending_prepared_gids")));
    }

    [Fact]
    public async Task Errors_carry_the_sqlstate()
    {
        await using var agent = await fixture.AgentAsync();
        await using var connection = await agent.OpenAsync();
        await using var bad = new NpgsqlCommand("SELECT * FROM no_such_table_here", connection);
        await Assert.ThrowsAsync<PostgresException>(() => bad.ExecuteNonQueryAsync());
        var spans = await WaitForSpansAsync(agent, s => s.Any(a => Equals(a.GetTagItem("db.response.status_code"), "42P01")));
        var failed = Assert.Single(spans, a => Equals(a.GetTagItem("db.response.status_code"), "42P01"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("42P01", failed.GetTagItem("error.type"));
    }

    [Fact]
    public async Task With_statement_spans_off_only_2pc_steps_are_traced()
    {
        await using var agent = await fixture.AgentAsync(traceStatements: false);
        var table = $"t_{Guid.NewGuid():N}";
        var gid = $"quiet_{Guid.NewGuid():N}";
        var run = await Psql.RunAsync(agent.Gateway.Port,
            $"CREATE TABLE {table} (x int);\nBEGIN;\nINSERT INTO {table} VALUES (1);\nPREPARE TRANSACTION '{gid}';\nCOMMIT PREPARED '{gid}';\nSELECT count(*) FROM {table};\n");
        Assert.Equal(0, run.ExitCode);
        var spans = await WaitForSpansAsync(agent, s => s.Count >= 2);
        await Task.Delay(300); // anything else would have been exported by now
        Assert.Equal(
            [$"{agent.Site}: PREPARE TRANSACTION", $"{agent.Site}: COMMIT PREPARED"],
            agent.Spans.OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName));
    }
}
