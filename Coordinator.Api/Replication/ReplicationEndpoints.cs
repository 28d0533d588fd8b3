using MediAI.Coordinator.Core.Cluster;
using MediAI.Coordinator.Queries;
using Microsoft.Extensions.Options;

namespace MediAI.Coordinator.Replication;

/// <summary>POST /replication/demo (create, placements) and /replication/probe (reads and writes now).</summary>
public static class ReplicationEndpoints
{
    public static IEndpointRouteBuilder MapReplicationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/replication/demo", (ReplicationDemo demo, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () => Results.Ok(new { table = ReplicationDemo.Table, placements = await demo.CreateAsync(ct) }), lab.Value))
            .WithSummary("Create patients_replicated with replication factor 2; answer its placements per site.");
        app.MapPost("/replication/probe", (ReplicationDemo demo, IOptions<LabClusterOptions> lab, CancellationToken ct) =>
            ProblemMapping.GuardAsync(async () =>
            {
                var (attempts, placements) = await demo.ProbeAsync(ct);
                return Results.Ok(new { attempts, placements });
            }, lab.Value))
            .WithSummary("Read and write patients_replicated now: take a site down from the dashboard first to see failover.");
        return app;
    }
}
