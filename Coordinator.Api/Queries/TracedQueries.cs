using System.Diagnostics;
using System.Text.Json;
using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Core.Routing;
using MediAI.Coordinator.Core.Sessions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediAI.Coordinator.Queries;

/// <summary>A query's answer: its rows (capped), how Citus routed it, its timings and its trace.</summary>
public sealed record QueryResult(
    IReadOnlyList<string> Columns,
    IReadOnlyList<object?[]> Rows,
    bool Truncated,
    SiteRouting Routing,
    double ElapsedMs,
    double ExplainMs,
    string? TraceId);

/// <summary>
/// Runs one read-only statement on the coordinator, in a transaction that carries the trace to
/// every site (SET LOCAL mediai.traceparent), then EXPLAINs it to say which sites ran it.
/// </summary>
public sealed class TracedQueries([FromKeyedServices(ReadOnlySession.DataSourceKey)] NpgsqlDataSource dataSource, IOptions<LabClusterOptions> lab, IOptions<QueryLimits> limits)
{
    public static readonly ActivitySource Source = new("MediAI.Coordinator.Queries");

    public async Task<QueryResult> RunAsync(QueryRequest request, bool explainOnly, CancellationToken cancellationToken)
    {
        var sql = Validate(request);
        var parameters = request.BoundValues();
        using var activity = Source.StartActivity(explainOnly ? "lab explain" : "lab query");
        activity?.SetTag("db.query.text", sql);

        await using var session = await ReadOnlySession.OpenAsync(dataSource, limits.Value.TimeoutMs, cancellationToken);

        var columns = new List<string>();
        var rows = new List<object?[]>();
        var truncated = false;
        var watch = Stopwatch.StartNew();
        if (!explainOnly)
        {
            await using var command = session.Command(sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(reader.GetName(i));
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                if (rows.Count == limits.Value.MaxRows)
                {
                    truncated = true;
                    break;
                }

                var row = new object?[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[i] = ReadOnlySql.JsonFriendly(reader.IsDBNull(i) ? null : reader.GetValue(i));
                }

                rows.Add(row);
            }
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        SiteRouting routing;
        await using (var explain = session.Command($"EXPLAIN (VERBOSE, FORMAT JSON) {sql}", parameters))
        {
            var plan = (string)(await explain.ExecuteScalarAsync(cancellationToken))!;
            using var document = JsonDocument.Parse(plan);
            routing = SiteRouting.From(document.RootElement, lab.Value);
            if (explainOnly)
            {
                columns.Add("QUERY PLAN");
                rows.Add([JsonSerializer.Deserialize<JsonElement>(plan)]);
            }
        }

        activity?.SetTag("mediai.routing", routing.Kind);
        activity?.SetTag("mediai.sites", string.Join(",", routing.Sites));
        return new QueryResult(columns, rows, truncated, routing, elapsed, watch.Elapsed.TotalMilliseconds, activity?.TraceId.ToString());
    }

    private string Validate(QueryRequest request) => ReadOnlySql.Validate(request.Sql, "sql", limits.Value, request.Parameters?.Count ?? 0);
}
