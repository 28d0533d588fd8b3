using System.Diagnostics;
using System.Text.Json;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Sql;
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

    /// <summary>Statements that only read. Read-only transactions stop the rest anyway; this says so earlier and plainer.</summary>
    private static readonly string[] ReadingStatements = ["SELECT", "WITH", "VALUES", "TABLE", "SHOW"];

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
                    row[i] = JsonFriendly(reader.IsDBNull(i) ? null : reader.GetValue(i));
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

    private string Validate(QueryRequest request) => ValidateReadOnly(request.Sql, "sql", limits.Value, request.Parameters?.Count ?? 0);

    /// <summary>One reading statement, or a 400 naming <paramref name="field"/>.</summary>
    public static string ValidateReadOnly(string? sqlText, string field, QueryLimits limits, int parameterCount = 0)
    {
        var sql = sqlText?.Trim() ?? "";
        if (sql.Length == 0)
        {
            throw new QueryRejectedException(field, "is required: one read-only SQL statement, with $1, $2, … for parameters");
        }

        if (sql.Length > limits.MaxSqlLength)
        {
            throw new QueryRejectedException(field, $"is {sql.Length} characters; at most {limits.MaxSqlLength}");
        }

        IReadOnlyList<ScriptStep> steps;
        try
        {
            steps = PsqlScript.Parse(sql);
        }
        catch (FormatException e)
        {
            throw new QueryRejectedException(field, e.Message);
        }

        if (steps.Count != 1 || steps[0] is not SqlStep { Gexec: false } step)
        {
            throw new QueryRejectedException(field, "must be exactly one SQL statement (no ';' between statements, no psql \\commands)");
        }

        var text = step.Sql.TrimEnd(';').Trim();
        var first = text.Split((char[])[' ', '\n', '\r', '\t', '('], 2)[0].ToUpperInvariant();
        if (!ReadingStatements.Contains(first))
        {
            throw new QueryRejectedException(field, $"this endpoint only reads: {first} is not allowed (use {string.Join(", ", ReadingStatements)})");
        }

        if (parameterCount > 100)
        {
            throw new QueryRejectedException("parameters", "at most 100");
        }

        return text;
    }

    /// <summary>Values JSON can carry as they are; anything else as PostgreSQL's text.</summary>
    internal static object? JsonFriendly(object? value) => value switch
    {
        null or string or bool or short or int or long or float or double or decimal or DateTime or DateOnly or TimeOnly or Guid => value,
        Array array => array.Cast<object?>().Select(JsonFriendly).ToArray(),
        _ => value.ToString(),
    };
}
