using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Core.Cluster;
using Microsoft.Extensions.Options;

namespace MediAI.Coordinator.Queries;

/// <summary>POST /query and /explain: one read-only statement, with the sites that ran it; GET /cluster: the map.</summary>
public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/query", (QueryRequest? request, TracedQueries queries, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            RunAsync(request, explainOnly: false, queries, lab.Value, ct))
            .WithSummary("Run one read-only statement; answer its rows, the sites that ran it, timings and trace id.");
        app.MapPost("/explain", (QueryRequest? request, TracedQueries queries, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            RunAsync(request, explainOnly: true, queries, lab.Value, ct))
            .WithSummary("EXPLAIN (VERBOSE) one read-only statement; answer the plan and which site each task ran on.");
        app.MapGet("/cluster", async (ClusterMap map, CancellationToken ct) => Results.Ok(await map.ReadAsync(ct)))
            .WithSummary("Sites, nodes (reachable, version, Citus), and what each site stores: countries, shards, placements.");
        return app;
    }

    private static Task<IResult> RunAsync(QueryRequest? request, bool explainOnly, TracedQueries queries, LabClusterOptions lab, CancellationToken ct) =>
        ProblemMapping.GuardAsync(async () => Results.Ok(await queries.RunAsync(request ?? new QueryRequest(), explainOnly, ct)), lab);
}
